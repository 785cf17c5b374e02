package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/gognito/gognito/internal/store"
)

const (
	// seedUsersPerStatement and seedAliasesPerStatement size the multi-row
	// INSERTs of SeedUsers (17 and 3 bind parameters a row, well under
	// SQLite's 32766 and PostgreSQL's 65535).
	seedUsersPerStatement   = 100
	seedAliasesPerStatement = 300
)

// seedUsersPerTx bounds a SeedUsers transaction, so that the SQLite WAL
// stays small however many users are seeded. A variable for tests.
var seedUsersPerTx = 10_000

// SeedUsers bulk-inserts users, with their aliases, into the pool poolID
// (their PoolID is ignored), for benchmarks and tests that need large
// pools fast: multi-row INSERTs in transactions of up to 10,000 users.
// Users are stored exactly as CreateUser stores them, but SeedUsers is not
// atomic: when it fails (store.ErrNotFound for a missing pool, a
// *store.ConflictError whose Key may be empty for a taken key, sub or
// alias), the transactions before the failing one stay committed.
func (s *Store) SeedUsers(ctx context.Context, poolID string, users []store.User) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	rows := make([]*userRow, len(users))
	for i, u := range users {
		u.PoolID = poolID
		if err := validUser(&u); err != nil {
			return err
		}
		r, err := newUserRow(u)
		if err != nil {
			return err
		}
		rows[i] = r
	}
	var one int
	err := s.r.QueryRowContext(ctx, s.q.poolExists, poolID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return poolNotFound(poolID)
	}
	if err != nil {
		return s.mapErr(ctx, "seed users", err)
	}
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), seedUsersPerTx)]
		rows = rows[len(chunk):]
		if err := s.inTx(ctx, func(tx *sql.Tx) error { return s.seedChunk(ctx, tx, chunk) }); err != nil {
			return s.mapErr(ctx, "seed users", err)
		}
	}
	return nil
}

func (s *Store) seedChunk(ctx context.Context, tx *sql.Tx, rows []*userRow) error {
	var (
		full *sql.Stmt // the statement inserting a full batch, prepared once
		args []any
	)
	defer func() {
		if full != nil {
			_ = full.Close()
		}
	}()
	for len(rows) > 0 {
		batch := rows[:min(len(rows), seedUsersPerStatement)]
		rows = rows[len(batch):]
		args = args[:0]
		for _, r := range batch {
			args = append(args, r.insertArgs()...)
		}
		var err error
		if len(batch) == seedUsersPerStatement {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, s.multiInsert("users", userColumns+", "+userFilterColumns, 17, len(batch))); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, s.multiInsert("users", userColumns+", "+userFilterColumns, 17, len(batch)), args...)
		}
		if err != nil {
			return s.userConflict(err, &store.User{})
		}
		args = args[:0]
		n := 0
		flush := func() error {
			if n == 0 {
				return nil
			}
			_, err := tx.ExecContext(ctx, s.multiInsert("user_aliases", "pool_id, alias, user_key", 3, n), args...)
			args, n = args[:0], 0
			return s.userConflict(err, &store.User{})
		}
		for _, r := range batch {
			for _, a := range r.u.Aliases {
				args = append(args, r.u.PoolID, a, r.u.Key)
				if n++; n == seedAliasesPerStatement {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}

// multiInsert writes an INSERT of n rows of cols (width columns) into table.
func (s *Store) multiInsert(table, cols string, width, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
	k := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range width {
			if j > 0 {
				b.WriteString(", ")
			}
			k++
			b.WriteString(s.d.placeholder(k))
		}
		b.WriteByte(')')
	}
	return b.String()
}
