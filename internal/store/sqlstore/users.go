package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/gognito/gognito/internal/store"
)

// filterAttributes are the attributes copied into users columns of the same
// names on every write, in userFilterColumns order.
var filterAttributes = [...]string{
	store.FilterEmail, store.FilterPhoneNumber, store.FilterName,
	store.FilterGivenName, store.FilterFamilyName, store.FilterPreferredUsername,
}

// userRow is a user in its stored form.
type userRow struct {
	u          store.User // normalised: aliases deduplicated, times at millisecond precision, slices owned
	attributes string     // JSON of u.Attributes
	aliases    string     // JSON of u.Aliases
	filters    [len(filterAttributes)]any
}

// newUserRow returns u in its stored form. The row owns its slices: later
// changes to u's slices do not reach it.
func newUserRow(u store.User) (*userRow, error) {
	r := &userRow{u: u}
	r.u.Attributes = slices.Clip(slices.Clone(u.Attributes))
	if len(r.u.Attributes) == 0 {
		r.u.Attributes = nil
	}
	r.u.Aliases = dedupe(u.Aliases)
	r.u.Data = cloneBytes(u.Data)
	r.u.CreatedAt, r.u.UpdatedAt = normTime(u.CreatedAt), normTime(u.UpdatedAt)
	var err error
	if r.attributes, err = encodeAttributes(r.u.Attributes); err != nil {
		return nil, err
	}
	if r.aliases, err = encodeAliases(r.u.Aliases); err != nil {
		return nil, err
	}
	for i, name := range filterAttributes {
		if v, ok := r.u.Attribute(name); ok {
			r.filters[i] = v
		}
	}
	return r, nil
}

// insertArgs are the arguments of insertUser.
func (r *userRow) insertArgs() []any {
	u := &r.u
	args := make([]any, 0, 17)
	args = append(args, u.PoolID, u.Key, u.Username, u.Sub, u.Status, u.Enabled,
		r.attributes, r.aliases, blob(u.Data), millis(u.CreatedAt), millis(u.UpdatedAt))
	return append(args, r.filters[:]...)
}

// cloneUser returns a copy of u that shares no slice with it.
func cloneUser(u store.User) store.User {
	u.Attributes = slices.Clone(u.Attributes)
	u.Aliases = slices.Clone(u.Aliases)
	u.Data = cloneBytes(u.Data)
	return u
}

// dedupe returns the distinct strings of ss in first-occurrence order, in a
// new slice (nil when there are none).
func dedupe(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func encodeAttributes(attrs []store.Attribute) (string, error) {
	if len(attrs) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(attrs)
	if err != nil {
		return "", fmt.Errorf("sqlstore: encode attributes: %w", err)
	}
	return string(b), nil
}

func encodeAliases(aliases []string) (string, error) {
	if len(aliases) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(aliases)
	if err != nil {
		return "", fmt.Errorf("sqlstore: encode aliases: %w", err)
	}
	return string(b), nil
}

func scanUser(sc rowScanner) (store.User, error) {
	var (
		u                store.User
		attrs, aliases   string
		data             []byte
		created, updated int64
	)
	if err := sc.Scan(&u.PoolID, &u.Key, &u.Username, &u.Sub, &u.Status, &u.Enabled,
		&attrs, &aliases, &data, &created, &updated); err != nil {
		return store.User{}, err
	}
	var err error
	if u.Attributes, err = decodeAttributes(attrs); err != nil {
		return store.User{}, fmt.Errorf("sqlstore: user %q: decode attributes: %w", u.Key, err)
	}
	if u.Aliases, err = decodeAliases(aliases); err != nil {
		return store.User{}, fmt.Errorf("sqlstore: user %q: decode aliases: %w", u.Key, err)
	}
	u.CreatedAt, u.UpdatedAt, u.Data = fromMillis(created), fromMillis(updated), unblob(data)
	return u, nil
}

func userNotFound(poolID, key string) error {
	return fmt.Errorf("sqlstore: user %q of user pool %q: %w", key, poolID, store.ErrNotFound)
}

// userConflict turns a violation of a users uniqueness rule into the
// *store.ConflictError naming it; other errors are returned unchanged.
func (s *Store) userConflict(err error, u *store.User) error {
	switch s.d.uniqueConstraint(err) {
	case constraintUsersKey:
		return &store.ConflictError{Field: store.ConflictUsername, Key: u.Key}
	case constraintUsersSub:
		return &store.ConflictError{Field: store.ConflictSub, Key: u.Sub}
	case constraintUserAliases:
		return &store.ConflictError{Field: store.ConflictAlias}
	}
	return err
}

// addAliases claims aliases for the user in tx, one statement each so that
// a conflict names the alias taken. They are claimed in sorted order, so
// that concurrent writers claiming several of the same aliases queue
// behind each other instead of deadlocking.
func (s *Store) addAliases(ctx context.Context, tx *sql.Tx, poolID, key string, aliases []string) error {
	if len(aliases) > 1 {
		aliases = slices.Clone(aliases)
		slices.Sort(aliases)
	}
	for _, a := range aliases {
		if _, err := s.txExec(ctx, tx, s.q.insertAlias, poolID, a, key); err != nil {
			if s.d.uniqueConstraint(err) == constraintUserAliases {
				return &store.ConflictError{Field: store.ConflictAlias, Key: a}
			}
			return err
		}
	}
	return nil
}

func validUser(u *store.User) error {
	switch {
	case u.Key == "":
		return errors.New("sqlstore: user: empty key")
	case u.Sub == "":
		return fmt.Errorf("sqlstore: user %q: empty sub", u.Key)
	}
	return nil
}

// CreateUser inserts u with its aliases in one transaction;
// store.ErrNotFound if its pool does not exist (checked first), a
// *store.ConflictError naming the rule when its key, sub or an alias is
// taken (the key first, then the sub, then the aliases in sorted order).
// Duplicate aliases in u.Aliases are stored once.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := validUser(&u); err != nil {
		return err
	}
	row, err := newUserRow(u)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// Checking the key first makes a username conflict win over a sub
		// or alias conflict on every engine (they check unique indexes in
		// different orders). A user created meanwhile (PostgreSQL) fails
		// the insert, which reports the violated rule as well.
		var poolExists, keyTaken bool
		if err := s.txQueryRow(ctx, tx, s.q.userSlot, u.PoolID, u.PoolID, u.Key).Scan(&poolExists, &keyTaken); err != nil {
			return err
		}
		if !poolExists {
			return poolNotFound(u.PoolID)
		}
		if keyTaken {
			return &store.ConflictError{Field: store.ConflictUsername, Key: u.Key}
		}
		if _, err := s.txExec(ctx, tx, s.q.insertUser, row.insertArgs()...); err != nil {
			return s.userConflict(err, &row.u)
		}
		return s.addAliases(ctx, tx, u.PoolID, u.Key, row.u.Aliases)
	})
	return s.mapErr(ctx, "create user", err)
}

// getUserBy runs a single-row user query on the read pool.
func (s *Store) getUserBy(ctx context.Context, op, query, poolID, arg string, notFound func() error) (store.User, error) {
	if s.closed.Load() {
		return store.User{}, store.ErrClosed
	}
	u, err := scanUser(s.rQueryRow(ctx, query, poolID, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return store.User{}, notFound()
	}
	if err != nil {
		return store.User{}, s.mapErr(ctx, op, err)
	}
	return u, nil
}

// GetUser returns the user with this key, or store.ErrNotFound.
func (s *Store) GetUser(ctx context.Context, poolID, key string) (store.User, error) {
	return s.getUserBy(ctx, "get user", s.q.getUser, poolID, key, func() error { return userNotFound(poolID, key) })
}

// GetUserBySub returns the user with this sub, or store.ErrNotFound.
func (s *Store) GetUserBySub(ctx context.Context, poolID, sub string) (store.User, error) {
	return s.getUserBy(ctx, "get user by sub", s.q.getUserBySub, poolID, sub, func() error {
		return fmt.Errorf("sqlstore: user with sub %q in user pool %q: %w", sub, poolID, store.ErrNotFound)
	})
}

// GetUserByAlias returns the user holding this alias key, or
// store.ErrNotFound.
func (s *Store) GetUserByAlias(ctx context.Context, poolID, alias string) (store.User, error) {
	return s.getUserBy(ctx, "get user by alias", s.q.getUserByAlias, poolID, alias, func() error {
		return fmt.Errorf("sqlstore: user with alias %q in user pool %q: %w", alias, poolID, store.ErrNotFound)
	})
}

// UpdateUser reads the user under a write lock, applies fn to a copy,
// restores PoolID, Key, Username, Sub and CreatedAt, and writes the row,
// its filter columns and the difference between the old and new aliases in
// the same transaction. fn runs again if the transaction is retried.
func (s *Store) UpdateUser(ctx context.Context, poolID, key string, fn func(*store.User) error) (store.User, error) {
	if s.closed.Load() {
		return store.User{}, store.ErrClosed
	}
	var out store.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanUser(s.txQueryRow(ctx, tx, s.q.getUserForUpdate, poolID, key))
		if errors.Is(err, sql.ErrNoRows) {
			return userNotFound(poolID, key)
		}
		if err != nil {
			return err
		}
		next := cloneUser(cur)
		if err := fn(&next); err != nil {
			return userFnError{err}
		}
		next.PoolID, next.Key, next.Username, next.Sub, next.CreatedAt = cur.PoolID, cur.Key, cur.Username, cur.Sub, cur.CreatedAt
		row, err := newUserRow(next)
		if err != nil {
			return err
		}
		f := row.filters
		if _, err := s.txExec(ctx, tx, s.q.updateUser,
			row.u.Status, row.u.Enabled, row.attributes, row.aliases, blob(row.u.Data), millis(row.u.UpdatedAt),
			f[0], f[1], f[2], f[3], f[4], f[5], poolID, key); err != nil {
			return err
		}
		for _, a := range cur.Aliases {
			if !slices.Contains(row.u.Aliases, a) {
				if _, err := s.txExec(ctx, tx, s.q.deleteAlias, poolID, a, key); err != nil {
					return err
				}
			}
		}
		var added []string
		for _, a := range row.u.Aliases {
			if !slices.Contains(cur.Aliases, a) {
				added = append(added, a)
			}
		}
		if err := s.addAliases(ctx, tx, poolID, key, added); err != nil {
			return err
		}
		out = cloneUser(row.u)
		return nil
	})
	if err != nil {
		return store.User{}, s.mapErr(ctx, "update user", err)
	}
	return out, nil
}

// DeleteUser deletes the user and, by cascade, its aliases and group
// memberships; store.ErrNotFound if absent.
func (s *Store) DeleteUser(ctx context.Context, poolID, key string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	n, err := s.execRows(ctx, s.q.deleteUser, poolID, key)
	if err == nil && n == 0 {
		return userNotFound(poolID, key)
	}
	return s.mapErr(ctx, "delete user", err)
}

// CountUsers returns the number of users of the pool (0 for an unknown
// pool).
func (s *Store) CountUsers(ctx context.Context, poolID string) (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	var n int
	if err := s.rQueryRow(ctx, s.q.countUsers, poolID).Scan(&n); err != nil {
		return 0, s.mapErr(ctx, "count users", err)
	}
	return n, nil
}
