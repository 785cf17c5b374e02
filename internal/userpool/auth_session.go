package userpool

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"time"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/tokens"
)

// sessionData is what a sign-in session remembers between steps.
type sessionData struct {
	// SRP (PASSWORD_VERIFIER): the server's secret b and public B (hex).
	SRPb string `json:"srpb,omitempty"`
	SRPB string `json:"srpB,omitempty"`
	// SRPA is the client's public value A from InitiateAuth; Verifier the
	// user's verifier at that time (hex).
	SRPA     string `json:"srpA,omitempty"`
	Verifier string `json:"verifier,omitempty"`
	// Username is the user's internal username (USER_ID_FOR_SRP).
	Username string `json:"username,omitempty"`
	// Fake marks the challenge of an unknown user under
	// PreventUserExistenceErrors: every answer fails.
	Fake bool `json:"fake,omitempty"`
	// AuthTime is when the password was verified (tokens' auth_time).
	AuthTime *time.Time `json:"authTime,omitempty"`
	// Admin marks a session opened by an admin (IAM) operation.
	Admin bool `json:"admin,omitempty"`
	// Code is the SMS or email MFA code (stored as codes are); Attempts
	// counts wrong answers.
	Code     *code `json:"code,omitempty"`
	Attempts int   `json:"attempts,omitempty"`
	// DeviceKey is the device the sign-in comes from.
	DeviceKey string `json:"deviceKey,omitempty"`
	// SecretBlock is the SECRET_BLOCK a device must return.
	SecretBlock string `json:"secretBlock,omitempty"`
}

// newSession returns a new session string (Cognito-shaped, opaque).
func newSession() string {
	v, _ := tokens.NewSessionToken(rand.Reader)
	return v
}

// newOpaque returns a random opaque string with n bytes of entropy.
func newOpaque(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawStdEncoding.EncodeToString(b)
}

// sessionTTL is the client's AuthSessionValidity (minutes, default 3).
func sessionTTL(c appClient) time.Duration {
	m := int32(3)
	if c.conf.AuthSessionValidity != nil {
		m = *c.conf.AuthSessionValidity
	}
	return time.Duration(m) * time.Minute
}

// openSession stores a session for the next challenge, addressed by key
// (the Session string, or the SRP SECRET_BLOCK).
func (s *Service) openSession(ctx context.Context, c appClient, userKey, challenge, key string, d sessionData) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	now := s.clock()
	return s.store.CreateAuthSession(ctx, store.AuthSession{
		Hash: tokens.HashToken(key), PoolID: c.pool.id(), ClientID: c.rec.ID, UserKey: userKey,
		Challenge: challenge, Data: raw, CreatedAt: now, ExpiresAt: now.Add(sessionTTL(c)),
	})
}

// takeSession consumes the session addressed by key, checking that it
// belongs to the client and expects this challenge.
func (s *Service) takeSession(ctx context.Context, c appClient, key, challenge string) (store.AuthSession, sessionData, error) {
	var d sessionData
	if key == "" {
		return store.AuthSession{}, d, api.NewNotAuthorizedException("Invalid session for the user.")
	}
	sess, err := s.store.TakeAuthSession(ctx, tokens.HashToken(key))
	if err != nil {
		if isNotFound(err) {
			return sess, d, api.NewNotAuthorizedException("Invalid session for the user, session is expired.")
		}
		return sess, d, err
	}
	if s.clock().After(sess.ExpiresAt) {
		return sess, d, api.NewNotAuthorizedException("Invalid session for the user, session is expired.")
	}
	if sess.ClientID != c.rec.ID || sess.PoolID != c.pool.id() || sess.Challenge != challenge {
		return sess, d, api.NewNotAuthorizedException("Invalid session for the user.")
	}
	if err := json.Unmarshal(sess.Data, &d); err != nil {
		return sess, d, err
	}
	return sess, d, nil
}
