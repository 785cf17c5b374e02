package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gognito/gognito/internal/store"
)

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

func scanPool(sc rowScanner) (store.UserPool, error) {
	var (
		p                store.UserPool
		created, updated int64
		settings         []byte
	)
	if err := sc.Scan(&p.ID, &p.Name, &created, &updated, &settings); err != nil {
		return store.UserPool{}, err
	}
	p.CreatedAt, p.UpdatedAt, p.Settings = fromMillis(created), fromMillis(updated), unblob(settings)
	return p, nil
}

func poolNotFound(id string) error {
	return fmt.Errorf("sqlstore: user pool %q: %w", id, store.ErrNotFound)
}

// CreateUserPool inserts p; store.ErrConflict if its ID is taken.
func (s *Store) CreateUserPool(ctx context.Context, p store.UserPool) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if p.ID == "" {
		return errors.New("sqlstore: create user pool: empty ID")
	}
	_, err := s.execRows(ctx, s.q.insertPool,
		p.ID, p.Name, millis(p.CreatedAt), millis(p.UpdatedAt), blob(p.Settings))
	return s.mapErr(ctx, "create user pool", err)
}

// GetUserPool returns the pool or store.ErrNotFound.
func (s *Store) GetUserPool(ctx context.Context, id string) (store.UserPool, error) {
	if s.closed.Load() {
		return store.UserPool{}, store.ErrClosed
	}
	p, err := scanPool(s.rQueryRow(ctx, s.q.getPool, id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.UserPool{}, poolNotFound(id)
	}
	if err != nil {
		return store.UserPool{}, s.mapErr(ctx, "get user pool", err)
	}
	return p, nil
}

// UpdateUserPool reads the pool under a write lock, applies fn to a copy,
// restores ID and CreatedAt, and writes the result back in the same
// transaction. fn runs again if the transaction is retried.
func (s *Store) UpdateUserPool(ctx context.Context, id string, fn func(*store.UserPool) error) (store.UserPool, error) {
	if s.closed.Load() {
		return store.UserPool{}, store.ErrClosed
	}
	var out store.UserPool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanPool(s.txQueryRow(ctx, tx, s.q.getPoolForUpdate, id))
		if errors.Is(err, sql.ErrNoRows) {
			return poolNotFound(id)
		}
		if err != nil {
			return err
		}
		next := cur
		next.Settings = cloneBytes(cur.Settings)
		if err := fn(&next); err != nil {
			return userFnError{err}
		}
		next.ID, next.CreatedAt = cur.ID, cur.CreatedAt
		next.UpdatedAt = normTime(next.UpdatedAt)
		next.Settings = cloneBytes(next.Settings)
		if _, err := s.txExec(ctx, tx, s.q.updatePool,
			next.Name, millis(next.UpdatedAt), blob(next.Settings), id); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return store.UserPool{}, s.mapErr(ctx, "update user pool", err)
	}
	return out, nil
}

// DeleteUserPool deletes the pool and, by cascade, everything that belongs
// to it (clients, users, groups, signing keys, refresh tokens, sign-in
// sessions, and through the users their aliases, memberships and devices);
// store.ErrNotFound if absent. Inbox messages have no foreign key and stay.
func (s *Store) DeleteUserPool(ctx context.Context, id string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	n, err := s.execRows(ctx, s.q.deletePool, id)
	if err == nil && n == 0 {
		return poolNotFound(id)
	}
	return s.mapErr(ctx, "delete user pool", err)
}

// ListUserPools returns up to page.Limit pools with IDs after page.After in
// ID order, and the cursor of the next page ("" on the last page).
func (s *Store) ListUserPools(ctx context.Context, page store.PageRequest) ([]store.UserPool, string, error) {
	if s.closed.Load() {
		return nil, "", store.ErrClosed
	}
	limit, err := pageLimit(page)
	if err != nil {
		return nil, "", err
	}
	return queryPage(ctx, s, "list user pools", limit, scanPool, func(p *store.UserPool) string { return p.ID },
		s.q.listPools, page.After, limit+1)
}

// CountUserPools returns the number of pools.
func (s *Store) CountUserPools(ctx context.Context) (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	var n int
	if err := s.rQueryRow(ctx, s.q.countPools).Scan(&n); err != nil {
		return 0, s.mapErr(ctx, "count user pools", err)
	}
	return n, nil
}
