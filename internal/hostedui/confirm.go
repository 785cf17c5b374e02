package hostedui

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/gognito/gognito/internal/awsjson"
)

// Confirmer confirms a sign-up from a link (userpool.Service implements it).
type Confirmer interface {
	ConfirmSignUpByLink(ctx context.Context, clientID, username, code string) error
}

var confirmPage = template.Must(template.New("confirm").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p></main></body></html>
`))

type page struct{ Title, Text string }

// ConfirmUser serves GET /confirmUser?client_id=…&user_name=…&confirmation_code=…,
// the link of CONFIRM_WITH_LINK verification emails.
func ConfirmUser(c Confirmer, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		clientID, username, code := q.Get("client_id"), q.Get("user_name"), q.Get("confirmation_code")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if clientID == "" || username == "" || code == "" {
			w.WriteHeader(http.StatusBadRequest)
			_ = confirmPage.Execute(w, page{"Invalid link", "The confirmation link is incomplete."})
			return
		}
		if err := c.ConfirmSignUpByLink(r.Context(), clientID, username, code); err != nil {
			var werr awsjson.Error
			if !errors.As(err, &werr) || werr.HTTPStatus() >= 500 {
				logger.ErrorContext(r.Context(), "confirmation link failed", "error", err)
				w.WriteHeader(http.StatusInternalServerError)
				_ = confirmPage.Execute(w, page{"Something went wrong", "Please try again later."})
				return
			}
			w.WriteHeader(http.StatusBadRequest)
			_ = confirmPage.Execute(w, page{"Confirmation failed", werr.ErrorMessage()})
			return
		}
		_ = confirmPage.Execute(w, page{"Registration confirmed", "Your registration has been confirmed!"})
	})
}
