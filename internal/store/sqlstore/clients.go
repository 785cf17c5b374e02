package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gognito/gognito/internal/store"
)

func scanClient(sc rowScanner) (store.Client, error) {
	var (
		c                store.Client
		created, updated int64
		settings         []byte
	)
	if err := sc.Scan(&c.PoolID, &c.ID, &c.Name, &c.Secret, &created, &updated, &settings); err != nil {
		return store.Client{}, err
	}
	c.CreatedAt, c.UpdatedAt, c.Settings = fromMillis(created), fromMillis(updated), unblob(settings)
	return c, nil
}

func clientNotFound(poolID, clientID string) error {
	if poolID == "" {
		return fmt.Errorf("sqlstore: client %q: %w", clientID, store.ErrNotFound)
	}
	return fmt.Errorf("sqlstore: client %q of user pool %q: %w", clientID, poolID, store.ErrNotFound)
}

// CreateClient inserts c; store.ErrNotFound if its pool does not exist
// (checked first), store.ErrConflict if its ID is taken in any pool.
func (s *Store) CreateClient(ctx context.Context, c store.Client) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if c.ID == "" {
		return errors.New("sqlstore: create client: empty ID")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := s.txQueryRow(ctx, tx, s.q.poolExists, c.PoolID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return poolNotFound(c.PoolID)
		}
		if err != nil {
			return err
		}
		// A pool deleted between the check and the insert (PostgreSQL)
		// fails the foreign key, which mapErr reports as ErrNotFound too.
		_, err = s.txExec(ctx, tx, s.q.insertClient,
			c.PoolID, c.ID, c.Name, c.Secret, millis(c.CreatedAt), millis(c.UpdatedAt), blob(c.Settings))
		return err
	})
	return s.mapErr(ctx, "create client", err)
}

// GetClient returns the client of the pool or store.ErrNotFound.
func (s *Store) GetClient(ctx context.Context, poolID, clientID string) (store.Client, error) {
	if s.closed.Load() {
		return store.Client{}, store.ErrClosed
	}
	c, err := scanClient(s.rQueryRow(ctx, s.q.getClient, poolID, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Client{}, clientNotFound(poolID, clientID)
	}
	if err != nil {
		return store.Client{}, s.mapErr(ctx, "get client", err)
	}
	return c, nil
}

// GetClientWithPool returns a client by its ID alone, with its pool, from
// one statement; store.ErrNotFound if either is missing.
func (s *Store) GetClientWithPool(ctx context.Context, clientID string) (store.Client, store.UserPool, error) {
	if s.closed.Load() {
		return store.Client{}, store.UserPool{}, store.ErrClosed
	}
	var (
		c                                  store.Client
		p                                  store.UserPool
		cCreated, cUpdated, pCreated, pUpd int64
		cSettings, pSettings               []byte
	)
	err := s.rQueryRow(ctx, s.q.getClientWithPool, clientID).Scan(&c.PoolID, &c.ID, &c.Name, &c.Secret, &cCreated, &cUpdated, &cSettings,
		&p.ID, &p.Name, &pCreated, &pUpd, &pSettings)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Client{}, store.UserPool{}, clientNotFound("", clientID)
	}
	if err != nil {
		return store.Client{}, store.UserPool{}, s.mapErr(ctx, "get client with pool", err)
	}
	c.CreatedAt, c.UpdatedAt, c.Settings = fromMillis(cCreated), fromMillis(cUpdated), unblob(cSettings)
	p.CreatedAt, p.UpdatedAt, p.Settings = fromMillis(pCreated), fromMillis(pUpd), unblob(pSettings)
	return c, p, nil
}

// UpdateClient applies fn atomically like UpdateUserPool; PoolID, ID and
// CreatedAt are restored after fn.
func (s *Store) UpdateClient(ctx context.Context, poolID, clientID string, fn func(*store.Client) error) (store.Client, error) {
	if s.closed.Load() {
		return store.Client{}, store.ErrClosed
	}
	var out store.Client
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanClient(s.txQueryRow(ctx, tx, s.q.getClientForUpdate, poolID, clientID))
		if errors.Is(err, sql.ErrNoRows) {
			return clientNotFound(poolID, clientID)
		}
		if err != nil {
			return err
		}
		next := cur
		next.Settings = cloneBytes(cur.Settings)
		if err := fn(&next); err != nil {
			return userFnError{err}
		}
		next.PoolID, next.ID, next.CreatedAt = cur.PoolID, cur.ID, cur.CreatedAt
		next.UpdatedAt = normTime(next.UpdatedAt)
		next.Settings = cloneBytes(next.Settings)
		if _, err := s.txExec(ctx, tx, s.q.updateClient,
			next.Name, next.Secret, millis(next.UpdatedAt), blob(next.Settings), poolID, clientID); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return store.Client{}, s.mapErr(ctx, "update client", err)
	}
	return out, nil
}

// DeleteClient deletes the client; store.ErrNotFound if absent.
func (s *Store) DeleteClient(ctx context.Context, poolID, clientID string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	n, err := s.execRows(ctx, s.q.deleteClient, poolID, clientID)
	if err == nil && n == 0 {
		return clientNotFound(poolID, clientID)
	}
	return s.mapErr(ctx, "delete client", err)
}

// ListClients returns up to page.Limit clients of the pool with IDs after
// page.After in ID order, and the cursor of the next page ("" on the last
// page). A pool without clients, or an unknown pool, lists nothing.
func (s *Store) ListClients(ctx context.Context, poolID string, page store.PageRequest) ([]store.Client, string, error) {
	if s.closed.Load() {
		return nil, "", store.ErrClosed
	}
	limit, err := pageLimit(page)
	if err != nil {
		return nil, "", err
	}
	return queryPage(ctx, s, "list clients", limit, scanClient, func(c *store.Client) string { return c.ID },
		s.q.listClients, poolID, page.After, limit+1)
}

// CountClients returns the number of clients of the pool (0 for an unknown
// pool).
func (s *Store) CountClients(ctx context.Context, poolID string) (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	var n int
	if err := s.rQueryRow(ctx, s.q.countClients, poolID).Scan(&n); err != nil {
		return 0, s.mapErr(ctx, "count clients", err)
	}
	return n, nil
}
