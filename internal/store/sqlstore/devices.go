package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gognito/gognito/internal/store"
)

func scanDevice(sc rowScanner) (store.Device, error) {
	var (
		d                                    store.Device
		created, updated, lastAuth, modified int64
	)
	err := sc.Scan(&d.PoolID, &d.UserKey, &d.Key, &d.GroupKey, &d.Verifier, &d.Salt, &d.Remembered, &d.Data,
		&created, &updated, &lastAuth, &modified)
	if err != nil {
		return d, err
	}
	d.Verifier, d.Salt, d.Data = unblob(d.Verifier), unblob(d.Salt), unblob(d.Data)
	d.CreatedAt, d.UpdatedAt, d.LastAuthAt, d.LastModifiedAt = fromMillis(created), fromMillis(updated), fromMillis(lastAuth), fromMillis(modified)
	return d, nil
}

// deviceKey is the cursor of a device listing: the device's key.
func deviceKey(d *store.Device) string { return d.Key }

func deviceNotFound(poolID, key string) error {
	return fmt.Errorf("sqlstore: device %q of user pool %q: %w", key, poolID, store.ErrNotFound)
}

// CreateDevice inserts d; store.ErrNotFound if its user does not exist,
// store.ErrConflict if its key is taken.
func (s *Store) CreateDevice(ctx context.Context, d store.Device) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := s.txQueryRow(ctx, tx, s.q.userExists, d.PoolID, d.UserKey).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return userNotFound(d.PoolID, d.UserKey)
		}
		if err != nil {
			return err
		}
		_, err = s.txExec(ctx, tx, s.q.insertDevice,
			d.PoolID, d.UserKey, d.Key, d.GroupKey, blob(d.Verifier), blob(d.Salt), d.Remembered, blob(d.Data),
			millis(d.CreatedAt), millis(d.UpdatedAt), millis(d.LastAuthAt), millis(d.LastModifiedAt))
		return err
	})
	return s.mapErr(ctx, "create device", err)
}

// GetDevice returns the device or store.ErrNotFound.
func (s *Store) GetDevice(ctx context.Context, poolID, key string) (store.Device, error) {
	if s.closed.Load() {
		return store.Device{}, store.ErrClosed
	}
	d, err := scanDevice(s.rQueryRow(ctx, s.q.getDevice, poolID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return d, deviceNotFound(poolID, key)
	}
	return d, s.mapErr(ctx, "get device", err)
}

// UpdateDevice applies fn to the stored device atomically.
func (s *Store) UpdateDevice(ctx context.Context, poolID, key string, fn func(*store.Device) error) (store.Device, error) {
	if s.closed.Load() {
		return store.Device{}, store.ErrClosed
	}
	var out store.Device
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanDevice(s.txQueryRow(ctx, tx, s.q.getDeviceForUpdate, poolID, key))
		if errors.Is(err, sql.ErrNoRows) {
			return deviceNotFound(poolID, key)
		}
		if err != nil {
			return err
		}
		next := cur
		next.Verifier, next.Salt, next.Data = cloneBytes(cur.Verifier), cloneBytes(cur.Salt), cloneBytes(cur.Data)
		if err := fn(&next); err != nil {
			return userFnError{err}
		}
		next.PoolID, next.UserKey, next.Key, next.CreatedAt = cur.PoolID, cur.UserKey, cur.Key, cur.CreatedAt
		_, err = s.txExec(ctx, tx, s.q.updateDevice,
			next.GroupKey, blob(next.Verifier), blob(next.Salt), next.Remembered, blob(next.Data),
			millis(next.UpdatedAt), millis(next.LastAuthAt), millis(next.LastModifiedAt), poolID, key)
		if err != nil {
			return err
		}
		out = next
		out.CreatedAt, out.UpdatedAt = normTime(out.CreatedAt), normTime(out.UpdatedAt)
		out.LastAuthAt, out.LastModifiedAt = normTime(out.LastAuthAt), normTime(out.LastModifiedAt)
		return nil
	})
	return out, s.mapErr(ctx, "update device", err)
}

// DeleteDevice deletes the device; store.ErrNotFound if absent.
func (s *Store) DeleteDevice(ctx context.Context, poolID, key string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	n, err := s.execRows(ctx, s.q.deleteDevice, poolID, key)
	if err != nil {
		return s.mapErr(ctx, "delete device", err)
	}
	if n == 0 {
		return deviceNotFound(poolID, key)
	}
	return nil
}

// ListDevices returns the user's devices ordered by key, paginated.
func (s *Store) ListDevices(ctx context.Context, poolID, userKey string, rememberedOnly bool, page store.PageRequest) ([]store.Device, string, error) {
	if s.closed.Load() {
		return nil, "", store.ErrClosed
	}
	limit, err := pageLimit(page)
	if err != nil {
		return nil, "", err
	}
	if rememberedOnly {
		return queryPage(ctx, s, "list devices", limit, scanDevice, deviceKey, s.q.listRememberedDevices, poolID, userKey, page.After, true, limit+1)
	}
	return queryPage(ctx, s, "list devices", limit, scanDevice, deviceKey, s.q.listDevices, poolID, userKey, page.After, limit+1)
}
