package userpool

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	api "github.com/gognito/gognito/internal/api/cognitoidp"
	"github.com/gognito/gognito/internal/store"
)

// appClient is an app client with its pool, as unauthenticated operations
// reach a pool through a ClientId.
type appClient struct {
	rec  store.Client
	conf *api.UserPoolClientType
	pool poolView
}

// loadClient resolves a ClientId to its client and pool.
func (s *Service) loadClient(ctx context.Context, clientID string) (appClient, error) {
	rec, poolRec, err := s.store.GetClientWithPool(ctx, clientID)
	if err != nil {
		return appClient{}, storeErr(err, func() error { return clientNotFound(clientID) })
	}
	conf, err := s.cachedClient(rec)
	if err != nil {
		return appClient{}, err
	}
	p, m, err := s.cachedPool(poolRec)
	if err != nil {
		return appClient{}, err
	}
	return appClient{rec: rec, conf: conf, pool: poolView{p, m}}, nil
}

// SecretHash computes Cognito's SECRET_HASH: base64 HMAC-SHA256 keyed with
// the client secret over username + client id.
func SecretHash(clientSecret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// checkSecretHash verifies the SECRET_HASH a caller sent for username when
// the client has a secret, with Cognito's messages.
func (c appClient) checkSecretHash(username string, given *string) error {
	if c.rec.Secret == "" {
		return nil
	}
	if given == nil || *given == "" {
		return api.NewNotAuthorizedException("Client " + c.rec.ID + " is configured for secret but secret was not received")
	}
	want := SecretHash(c.rec.Secret, username, c.rec.ID)
	if !hmac.Equal([]byte(want), []byte(*given)) {
		return api.NewNotAuthorizedException("Unable to verify secret hash for client " + c.rec.ID)
	}
	return nil
}

// hidesUsers reports whether the client answers as if unknown users existed
// (PreventUserExistenceErrors ENABLED).
func (c appClient) hidesUsers() bool {
	return deref(c.conf.PreventUserExistenceErrors) == api.PreventUserExistenceErrorTypesEnabled
}
