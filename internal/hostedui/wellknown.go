package hostedui

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gognito/gognito/internal/awsjson"
	"github.com/gognito/gognito/internal/tokens"
)

// KeySource gives a pool's public signing keys and token issuer
// (userpool.Service implements it).
type KeySource interface {
	PublicKeys(ctx context.Context, poolID string) ([]tokens.PublicKey, error)
	Issuer(ctx context.Context, poolID string) string
	// BaseURL is the public base URL of this server.
	BaseURL(ctx context.Context) string
}

// JWKS serves GET /{poolId}/.well-known/jwks.json.
func JWKS(src KeySource, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys, err := src.PublicKeys(withHost(r), r.PathValue("poolId"))
		if err != nil {
			writeWellKnownError(w, r, err, logger)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=300")
		_, _ = w.Write(tokens.JWKS(keys))
	})
}

// OpenIDConfiguration serves GET /{poolId}/.well-known/openid-configuration.
func OpenIDConfiguration(src KeySource, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := withHost(r)
		pool := r.PathValue("poolId")
		if _, err := src.PublicKeys(ctx, pool); err != nil {
			writeWellKnownError(w, r, err, logger)
			return
		}
		issuer := src.Issuer(ctx, pool)
		base := src.BaseURL(ctx)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(tokens.OpenIDConfiguration(tokens.Discovery{
			Issuer:                issuer,
			JWKSURI:               base + "/" + pool + "/.well-known/jwks.json",
			AuthorizationEndpoint: base + "/oauth2/authorize",
			TokenEndpoint:         base + "/oauth2/token",
			UserInfoEndpoint:      base + "/oauth2/userInfo",
			RevocationEndpoint:    base + "/oauth2/revoke",
			EndSessionEndpoint:    base + "/logout",
		}))
	})
}

// withHost carries the request's Host to services that build URLs from it.
func withHost(r *http.Request) context.Context {
	return awsjson.WithRequestInfo(r.Context(), awsjson.RequestInfo{Host: r.Host})
}

func writeWellKnownError(w http.ResponseWriter, r *http.Request, err error, logger *slog.Logger) {
	var werr awsjson.Error
	w.Header().Set("Content-Type", "application/json")
	if errors.As(err, &werr) && werr.HTTPStatus() < 500 {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"User pool does not exist"}`))
		return
	}
	logger.ErrorContext(r.Context(), "well-known endpoint failed", "error", err)
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(`{"message":"Internal error"}`))
}
