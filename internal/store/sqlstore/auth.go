package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gognito/gognito/internal/store"
)

func nullMillis(t *time.Time) any {
	if t == nil {
		return nil
	}
	return millis(*t)
}

func fromNullMillis(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMillis(v.Int64)
	return &t
}

// CreateSigningKey inserts k; store.ErrNotFound if the pool does not
// exist, store.ErrConflict if its key id is taken.
func (s *Store) CreateSigningKey(ctx context.Context, k store.SigningKey) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	_, err := s.execRows(ctx, s.q.insertSigningKey,
		k.PoolID, k.KeyID, blob(k.PrivateKey), millis(k.CreatedAt), k.Active)
	return s.mapErr(ctx, "create signing key", err)
}

// ListSigningKeys returns the pool's keys, newest first.
func (s *Store) ListSigningKeys(ctx context.Context, poolID string) ([]store.SigningKey, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	rows, err := s.rQuery(ctx, s.q.listSigningKeys, poolID)
	if err != nil {
		return nil, s.mapErr(ctx, "list signing keys", err)
	}
	defer rows.Close()
	var out []store.SigningKey
	for rows.Next() {
		var k store.SigningKey
		var created int64
		if err := rows.Scan(&k.PoolID, &k.KeyID, &k.PrivateKey, &created, &k.Active); err != nil {
			return nil, s.mapErr(ctx, "list signing keys", err)
		}
		k.PrivateKey, k.CreatedAt = unblob(k.PrivateKey), fromMillis(created)
		out = append(out, k)
	}
	return out, s.mapErr(ctx, "list signing keys", rows.Err())
}

// CreateRefreshToken inserts t; store.ErrConflict if its hash exists,
// store.ErrNotFound if its pool does not.
func (s *Store) CreateRefreshToken(ctx context.Context, t store.RefreshToken) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	_, err := s.execRows(ctx, s.q.insertRefreshToken,
		blob(t.Hash), t.PoolID, t.ClientID, t.UserKey, t.Family, t.DeviceKey, millis(t.AuthTime), millis(t.CreatedAt),
		millis(t.ExpiresAt), nullMillis(t.RevokedAt), nullMillis(t.ReplacedAt))
	return s.mapErr(ctx, "create refresh token", err)
}

// GetRefreshToken returns the token with this hash or store.ErrNotFound.
func (s *Store) GetRefreshToken(ctx context.Context, hash []byte) (store.RefreshToken, error) {
	if s.closed.Load() {
		return store.RefreshToken{}, store.ErrClosed
	}
	var (
		t                          store.RefreshToken
		authTime, created, expires int64
		revoked, replaced          sql.NullInt64
	)
	err := s.rQueryRow(ctx, s.q.getRefreshToken, blob(hash)).Scan(
		&t.Hash, &t.PoolID, &t.ClientID, &t.UserKey, &t.Family, &t.DeviceKey, &authTime, &created, &expires, &revoked, &replaced)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("sqlstore: refresh token: %w", store.ErrNotFound)
	}
	if err != nil {
		return t, s.mapErr(ctx, "get refresh token", err)
	}
	t.Hash = unblob(t.Hash)
	t.AuthTime, t.CreatedAt, t.ExpiresAt = fromMillis(authTime), fromMillis(created), fromMillis(expires)
	t.RevokedAt, t.ReplacedAt = fromNullMillis(revoked), fromNullMillis(replaced)
	return t, nil
}

// MarkRefreshTokenReplaced sets replaced_at if unset; store.ErrNotFound if
// the token does not exist.
func (s *Store) MarkRefreshTokenReplaced(ctx context.Context, hash []byte, at time.Time) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	n, err := s.execRows(ctx, s.q.markRefreshTokenReplaced, millis(at), blob(hash))
	if err == nil && n == 0 {
		return fmt.Errorf("sqlstore: refresh token: %w", store.ErrNotFound)
	}
	return s.mapErr(ctx, "mark refresh token replaced", err)
}

// RevokeTokenFamily revokes every token of the family.
func (s *Store) RevokeTokenFamily(ctx context.Context, poolID, family string, at time.Time) (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	n, err := s.execRows(ctx, s.q.revokeTokenFamily,
		millis(at), poolID, family)
	return int(n), s.mapErr(ctx, "revoke token family", err)
}

// RevokeUserTokens revokes every token of the user, or of one of its
// devices.
func (s *Store) RevokeUserTokens(ctx context.Context, poolID, userKey, deviceKey string, at time.Time) (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	var (
		n   int64
		err error
	)
	if deviceKey == "" {
		n, err = s.execRows(ctx, s.q.revokeUserTokens, millis(at), poolID, userKey)
	} else {
		n, err = s.execRows(ctx, s.q.revokeDeviceTokens, millis(at), poolID, userKey, deviceKey)
	}
	return int(n), s.mapErr(ctx, "revoke user tokens", err)
}

// IsFamilyRevoked reports whether a token of the family has been revoked.
func (s *Store) IsFamilyRevoked(ctx context.Context, poolID, family string) (bool, error) {
	if s.closed.Load() {
		return false, store.ErrClosed
	}
	var one int
	err := s.rQueryRow(ctx, s.q.familyRevoked,
		poolID, family).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, s.mapErr(ctx, "is family revoked", err)
}

// GetUserWithFamily returns the user, as GetUser, and whether the token
// family is revoked, from one statement.
func (s *Store) GetUserWithFamily(ctx context.Context, poolID, key, family string) (store.User, bool, error) {
	if s.closed.Load() {
		return store.User{}, false, store.ErrClosed
	}
	var revoked bool
	u, err := scanUser(scanAlso{s.rQueryRow(ctx, s.q.getUserWithFamily, family, poolID, key), &revoked})
	if errors.Is(err, sql.ErrNoRows) {
		return store.User{}, false, userNotFound(poolID, key)
	}
	if err != nil {
		return store.User{}, false, s.mapErr(ctx, "get user with family", err)
	}
	return u, revoked, nil
}

// scanAlso scans a row whose leading columns a scan function knows, and
// the one column after them into extra.
type scanAlso struct {
	row   rowScanner
	extra any
}

func (s scanAlso) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra)...) }

// DeleteExpiredRefreshTokens removes tokens that expired before now.
func (s *Store) DeleteExpiredRefreshTokens(ctx context.Context, now time.Time) (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	n, err := s.execRows(ctx, s.q.deleteExpiredRefreshTokens, millis(now))
	return int(n), s.mapErr(ctx, "delete expired refresh tokens", err)
}

// CreateAuthSession inserts a sign-in session; store.ErrNotFound if its
// pool does not exist.
func (s *Store) CreateAuthSession(ctx context.Context, a store.AuthSession) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	_, err := s.execRows(ctx, s.q.insertAuthSession,
		blob(a.Hash), a.PoolID, a.ClientID, a.UserKey, a.Challenge, blob(a.Data), millis(a.CreatedAt), millis(a.ExpiresAt))
	return s.mapErr(ctx, "create auth session", err)
}

// TakeAuthSession deletes and returns a session (single use).
func (s *Store) TakeAuthSession(ctx context.Context, hash []byte) (store.AuthSession, error) {
	if s.closed.Load() {
		return store.AuthSession{}, store.ErrClosed
	}
	var (
		a                store.AuthSession
		created, expires int64
		found            bool
	)
	// One statement, so no transaction: the row is gone once it returns.
	err := s.retry(ctx, func() error {
		found = false
		err := s.wQueryRow(ctx, s.q.takeAuthSession, blob(hash)).Scan(
			&a.Hash, &a.PoolID, &a.ClientID, &a.UserKey, &a.Challenge, &a.Data, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return a, s.mapErr(ctx, "take auth session", err)
	}
	if !found {
		return a, fmt.Errorf("sqlstore: auth session: %w", store.ErrNotFound)
	}
	a.Hash, a.Data = unblob(a.Hash), unblob(a.Data)
	a.CreatedAt, a.ExpiresAt = fromMillis(created), fromMillis(expires)
	return a, nil
}

// DeleteExpiredAuthSessions removes sessions that expired before now.
func (s *Store) DeleteExpiredAuthSessions(ctx context.Context, now time.Time) (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	n, err := s.execRows(ctx, s.q.deleteExpiredAuthSessions, millis(now))
	return int(n), s.mapErr(ctx, "delete expired auth sessions", err)
}
