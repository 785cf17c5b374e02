package messaging

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// InboxPath is where the inbox handler is mounted. Mount the handler on
// both InboxPath and InboxPath+"/" (it also serves the "/latest"
// sub-path).
const InboxPath = "/_gognito/messages"

// Limits of the inbox list.
const (
	DefaultInboxLimit = 100
	MaxInboxLimit     = 1000
)

// Query parameters of the inbox endpoints. "to" is accepted as an alias of
// "destination".
const (
	QueryPoolID      = "poolId"
	QueryUsername    = "username"
	QueryDestination = "destination"
	QueryTo          = "to"
	QueryLimit       = "limit"
)

// InboxNoMatch is the error text of a 404 answer of InboxPath/latest when
// no message matches (as opposed to a server without an inbox).
const InboxNoMatch = "no message matches"

// InboxMessage is one message as the inbox endpoints serve it.
type InboxMessage struct {
	ID          int64  `json:"id"`
	PoolID      string `json:"poolId"`
	Username    string `json:"username"`
	Channel     string `json:"channel"`
	Destination string `json:"destination"`
	Subject     string `json:"subject"`
	Body        string `json:"body"`
	Kind        string `json:"kind"`
	// Code is ExtractCode(Body), omitted when empty.
	Code string `json:"code,omitempty"`
	// CreatedAt is RFC 3339, UTC.
	CreatedAt string `json:"createdAt"`
}

// InboxList is the answer of GET InboxPath.
type InboxList struct {
	Messages []InboxMessage `json:"messages"`
}

// InboxDeleted is the answer of DELETE InboxPath.
type InboxDeleted struct {
	Deleted int `json:"deleted"`
}

// InboxError is the body of every inbox error answer.
type InboxError struct {
	Error string `json:"error"`
}

// NewInboxMessage converts a stored message to its JSON form.
func NewInboxMessage(m store.Message) InboxMessage {
	return InboxMessage{
		ID:          m.ID,
		PoolID:      m.PoolID,
		Username:    m.Username,
		Channel:     m.Channel,
		Destination: m.Destination,
		Subject:     m.Subject,
		Body:        m.Body,
		Kind:        m.Kind,
		Code:        ExtractCode(m.Body),
		CreatedAt:   m.CreatedAt.UTC().Format(time.RFC3339),
	}
}

// InboxHandler serves the development inbox as JSON:
//
//	GET    InboxPath?poolId=&username=&destination=&limit=  → InboxList, newest first
//	GET    InboxPath/latest?poolId=&username=&destination=  → InboxMessage, or 404
//	DELETE InboxPath?poolId=&username=&destination=         → InboxDeleted
//
// Empty filters match everything (a DELETE without filters empties the
// inbox); unknown query parameters are rejected, so that a misspelt
// filter never widens a DELETE. limit defaults to DefaultInboxLimit and is
// capped at MaxInboxLimit.
func InboxHandler(msgs store.Messages) http.Handler {
	return &inboxHandler{msgs: msgs}
}

type inboxHandler struct {
	msgs store.Messages
}

func (h *inboxHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case p == InboxPath || p == "":
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			h.list(w, r)
		case http.MethodDelete:
			h.delete(w, r)
		default:
			methodNotAllowed(w, "GET, HEAD, DELETE")
		}
	case p == InboxPath+"/latest" || p == "/latest":
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			h.latest(w, r)
		default:
			methodNotAllowed(w, "GET, HEAD")
		}
	default:
		writeJSON(w, http.StatusNotFound, InboxError{Error: "no such inbox endpoint"})
	}
}

func (h *inboxHandler) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := parseFilter(q, true)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, InboxError{Error: err.Error()})
		return
	}
	limit, err := parseLimit(q.Get(QueryLimit))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, InboxError{Error: err.Error()})
		return
	}
	msgs, err := h.msgs.ListMessages(r.Context(), f, limit)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, InboxError{Error: "listing messages failed: " + err.Error()})
		return
	}
	out := InboxList{Messages: make([]InboxMessage, 0, len(msgs))}
	for _, m := range msgs {
		out.Messages = append(out.Messages, NewInboxMessage(m))
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *inboxHandler) latest(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r.URL.Query(), false)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, InboxError{Error: err.Error()})
		return
	}
	msgs, err := h.msgs.ListMessages(r.Context(), f, 1)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, InboxError{Error: "listing messages failed: " + err.Error()})
		return
	}
	if len(msgs) == 0 {
		writeJSON(w, http.StatusNotFound, InboxError{Error: InboxNoMatch})
		return
	}
	writeJSON(w, http.StatusOK, NewInboxMessage(msgs[0]))
}

func (h *inboxHandler) delete(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r.URL.Query(), false)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, InboxError{Error: err.Error()})
		return
	}
	n, err := h.msgs.DeleteMessages(r.Context(), f)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, InboxError{Error: "deleting messages failed: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, InboxDeleted{Deleted: n})
}

// parseFilter reads the filter parameters, rejecting unknown or repeated
// ones; limit is allowed only when allowLimit.
func parseFilter(q url.Values, allowLimit bool) (store.MessageFilter, error) {
	var f store.MessageFilter
	for name, vs := range q {
		if len(vs) > 1 {
			return f, fmt.Errorf("query parameter %q is repeated", name)
		}
		switch name {
		case QueryPoolID:
			f.PoolID = vs[0]
		case QueryUsername:
			f.Username = vs[0]
		case QueryDestination, QueryTo:
			if f.Destination != "" && f.Destination != vs[0] {
				return f, fmt.Errorf("query parameters %q and %q disagree", QueryDestination, QueryTo)
			}
			f.Destination = vs[0]
		case QueryLimit:
			if !allowLimit {
				return f, fmt.Errorf("query parameter %q is not accepted here", name)
			}
		default:
			return f, fmt.Errorf("unknown query parameter %q (accepted: poolId, username, destination)", name)
		}
	}
	return f, nil
}

func parseLimit(s string) (int, error) {
	if s == "" {
		return DefaultInboxLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("limit %q is not a positive integer", s)
	}
	return min(n, MaxInboxLimit), nil
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeJSON(w, http.StatusMethodNotAllowed, InboxError{Error: "method not allowed"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"error":"encoding the answer failed"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// ExtractCode returns the first run of exactly six ASCII digits in body
// (Cognito's verification codes), or "" if there is none. Longer digit
// runs, such as phone numbers, are skipped. It is a convenience for tests
// and the inbox; it knows nothing of templates, so a body with another
// six-digit number before the code gives that number.
func ExtractCode(body string) string {
	const n = 6
	for i := 0; i < len(body); {
		if !isDigit(body[i]) {
			i++
			continue
		}
		j := i
		for j < len(body) && isDigit(body[j]) {
			j++
		}
		if j-i == n {
			return body[i:j]
		}
		i = j
	}
	return ""
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// RequireBearer lets a request through to h only when it carries
// "Authorization: Bearer <token>"; others get 401. Tokens are compared in
// constant time. An empty token rejects every request.
func RequireBearer(token string, h http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := bearerToken(r.Header.Get("Authorization"))
		gotSum := sha256.Sum256([]byte(got))
		match := subtle.ConstantTimeCompare(want[:], gotSum[:]) == 1
		if !ok || token == "" || !match {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gognito"`)
			writeJSON(w, http.StatusUnauthorized, InboxError{Error: "a valid bearer token is required"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
