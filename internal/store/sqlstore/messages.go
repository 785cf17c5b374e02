package sqlstore

import (
	"context"

	"github.com/gognito/gognito/internal/store"
)

// AddMessage stores m and returns its ID, greater than every ID assigned
// before (even deleted ones). m.ID is ignored; the pool need not exist.
func (s *Store) AddMessage(ctx context.Context, m store.Message) (int64, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	args := []any{m.PoolID, m.Username, m.Channel, m.Destination, m.Subject, m.Body, m.Kind, millis(m.CreatedAt)}
	var id int64
	err := s.retry(ctx, func() error {
		if s.d.returningID != "" {
			return s.wQueryRow(ctx, s.q.insertMessage, args...).Scan(&id)
		}
		res, err := s.wExec(ctx, s.q.insertMessage, args...)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, s.mapErr(ctx, "add message", err)
	}
	return id, nil
}

// messageWhere returns the WHERE clause (with its leading space, or "")
// selecting filter's messages, adding its arguments to a.
func messageWhere(a *argList, f store.MessageFilter) string {
	var w string
	and := func(cond string) {
		if w == "" {
			w = " WHERE " + cond
		} else {
			w += " AND " + cond
		}
	}
	if f.PoolID != "" {
		and("pool_id = " + a.add(f.PoolID))
	}
	if f.Username != "" {
		and("username = " + a.add(f.Username))
	}
	if f.Destination != "" {
		and("destination = " + a.add(f.Destination))
	}
	return w
}

// ListMessages returns up to limit messages matching filter, newest (the
// highest ID) first; limit <= 0 lists them all, as the in-memory inbox of
// messagingtest does.
func (s *Store) ListMessages(ctx context.Context, filter store.MessageFilter, limit int) ([]store.Message, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	a := &argList{d: s.d}
	q := "SELECT id, " + messageColumns + " FROM messages" + messageWhere(a, filter) + " ORDER BY id DESC"
	if limit > 0 {
		q += " LIMIT " + a.add(limit)
	}
	rows, err := s.rQuery(ctx, q, a.args...)
	if err != nil {
		return nil, s.mapErr(ctx, "list messages", err)
	}
	defer rows.Close()
	var out []store.Message
	for rows.Next() {
		var (
			m       store.Message
			created int64
		)
		if err := rows.Scan(&m.ID, &m.PoolID, &m.Username, &m.Channel, &m.Destination, &m.Subject, &m.Body, &m.Kind, &created); err != nil {
			return nil, s.mapErr(ctx, "list messages", err)
		}
		m.CreatedAt = fromMillis(created)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.mapErr(ctx, "list messages", err)
	}
	return out, nil
}

// DeleteMessages deletes the messages matching filter (all of them for an
// empty filter) and returns how many it deleted.
func (s *Store) DeleteMessages(ctx context.Context, filter store.MessageFilter) (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	a := &argList{d: s.d}
	n, err := s.execRows(ctx, "DELETE FROM messages"+messageWhere(a, filter), a.args...)
	if err != nil {
		return 0, s.mapErr(ctx, "delete messages", err)
	}
	return int(n), nil
}
