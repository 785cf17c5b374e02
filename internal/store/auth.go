package store

import (
	"context"
	"time"
)

// SigningKey is one RSA key a pool signs its tokens with. PrivateKey is
// the PKCS #8 DER encoding; the newest active key signs, every active key
// is published in the pool's JWKS.
type SigningKey struct {
	PoolID     string
	KeyID      string // the JWT "kid"
	PrivateKey []byte
	CreatedAt  time.Time
	Active     bool
}

// SigningKeys stores pools' token signing keys.
type SigningKeys interface {
	// CreateSigningKey inserts k; ErrNotFound if the pool does not exist,
	// ErrConflict if its KeyID is taken.
	CreateSigningKey(ctx context.Context, k SigningKey) error
	// ListSigningKeys returns the pool's keys, newest first.
	ListSigningKeys(ctx context.Context, poolID string) ([]SigningKey, error)
}

// RefreshToken is one issued refresh token, stored by the SHA-256 of its
// value (the value itself is never stored). Family is the origin_jti that
// every access and ID token derived from it carries; revoking the token
// revokes the family. A rotated token keeps its family.
type RefreshToken struct {
	Hash      []byte
	PoolID    string
	ClientID  string
	UserKey   string
	Family    string
	DeviceKey string
	AuthTime  time.Time
	CreatedAt time.Time
	ExpiresAt time.Time
	// RevokedAt is set when the token (and its family) is revoked.
	RevokedAt *time.Time
	// ReplacedAt is set when rotation replaced the token; it stays usable
	// for the client's grace period after that.
	ReplacedAt *time.Time
}

// RefreshTokens stores refresh tokens.
type RefreshTokens interface {
	// CreateRefreshToken inserts t; ErrConflict if its hash exists.
	CreateRefreshToken(ctx context.Context, t RefreshToken) error
	// GetRefreshToken returns the token with this hash, or ErrNotFound.
	GetRefreshToken(ctx context.Context, hash []byte) (RefreshToken, error)
	// MarkRefreshTokenReplaced sets ReplacedAt (rotation) if unset.
	MarkRefreshTokenReplaced(ctx context.Context, hash []byte, at time.Time) error
	// RevokeTokenFamily revokes every token of the family; returns how many.
	RevokeTokenFamily(ctx context.Context, poolID, family string, at time.Time) (int, error)
	// RevokeUserTokens revokes every token of the user (global sign-out),
	// or only those of one device when deviceKey is not empty.
	RevokeUserTokens(ctx context.Context, poolID, userKey, deviceKey string, at time.Time) (int, error)
	// IsFamilyRevoked reports whether the family has been revoked. A family
	// with no tokens is not revoked.
	IsFamilyRevoked(ctx context.Context, poolID, family string) (bool, error)
	// GetUserWithFamily is GetUser that also reports, as IsFamilyRevoked,
	// whether the family is revoked, both read in one statement. When the
	// user does not exist the error is ErrNotFound and the flag says
	// nothing.
	GetUserWithFamily(ctx context.Context, poolID, key, family string) (User, bool, error)
	// DeleteExpiredRefreshTokens removes tokens expired before now.
	DeleteExpiredRefreshTokens(ctx context.Context, now time.Time) (int, error)
}

// AuthSession is the server state between the steps of a sign-in: the
// challenge Cognito expects next and what it needs to check the answer. It
// is addressed by the SHA-256 of the session string the client holds, used
// once, and expires.
type AuthSession struct {
	Hash      []byte
	PoolID    string
	ClientID  string
	UserKey   string
	Challenge string
	Data      []byte // JSON owned by the userpool package
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AuthSessions stores sign-in sessions.
type AuthSessions interface {
	// CreateAuthSession inserts s.
	CreateAuthSession(ctx context.Context, s AuthSession) error
	// TakeAuthSession deletes and returns the session with this hash
	// (single use); ErrNotFound if absent. Expiry is the caller's check.
	TakeAuthSession(ctx context.Context, hash []byte) (AuthSession, error)
	// DeleteExpiredAuthSessions removes sessions expired before now.
	DeleteExpiredAuthSessions(ctx context.Context, now time.Time) (int, error)
}
