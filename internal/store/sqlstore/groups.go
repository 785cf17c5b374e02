package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gognito/gognito/internal/store"
)

func scanGroup(sc rowScanner) (store.Group, error) {
	var (
		g                store.Group
		precedence       sql.NullInt32
		created, updated int64
	)
	if err := sc.Scan(&g.PoolID, &g.Name, &g.Description, &g.RoleArn, &precedence, &created, &updated); err != nil {
		return store.Group{}, err
	}
	if precedence.Valid {
		p := precedence.Int32
		g.Precedence = &p
	}
	g.CreatedAt, g.UpdatedAt = fromMillis(created), fromMillis(updated)
	return g, nil
}

// precedenceArg returns p as bound: NULL when nil.
func precedenceArg(p *int32) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func groupNotFound(poolID, name string) error {
	return fmt.Errorf("sqlstore: group %q of user pool %q: %w", name, poolID, store.ErrNotFound)
}

// CreateGroup inserts g; store.ErrNotFound if its pool does not exist,
// *store.ConflictError{Field: store.ConflictGroup} if the name is taken.
func (s *Store) CreateGroup(ctx context.Context, g store.Group) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if g.Name == "" {
		return errors.New("sqlstore: create group: empty name")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := s.txQueryRow(ctx, tx, s.q.poolExists, g.PoolID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return poolNotFound(g.PoolID)
		}
		if err != nil {
			return err
		}
		_, err = s.txExec(ctx, tx, s.q.insertGroup, g.PoolID, g.Name, g.Description, g.RoleArn,
			precedenceArg(g.Precedence), millis(g.CreatedAt), millis(g.UpdatedAt))
		if s.d.uniqueConstraint(err) == constraintGroups {
			return &store.ConflictError{Field: store.ConflictGroup, Key: g.Name}
		}
		return err
	})
	return s.mapErr(ctx, "create group", err)
}

// GetGroup returns the group or store.ErrNotFound.
func (s *Store) GetGroup(ctx context.Context, poolID, name string) (store.Group, error) {
	if s.closed.Load() {
		return store.Group{}, store.ErrClosed
	}
	g, err := scanGroup(s.rQueryRow(ctx, s.q.getGroup, poolID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Group{}, groupNotFound(poolID, name)
	}
	if err != nil {
		return store.Group{}, s.mapErr(ctx, "get group", err)
	}
	return g, nil
}

// UpdateGroup applies fn atomically like UpdateUserPool; PoolID, Name and
// CreatedAt are restored after fn.
func (s *Store) UpdateGroup(ctx context.Context, poolID, name string, fn func(*store.Group) error) (store.Group, error) {
	if s.closed.Load() {
		return store.Group{}, store.ErrClosed
	}
	var out store.Group
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanGroup(s.txQueryRow(ctx, tx, s.q.getGroupForUpdate, poolID, name))
		if errors.Is(err, sql.ErrNoRows) {
			return groupNotFound(poolID, name)
		}
		if err != nil {
			return err
		}
		next := cur
		if err := fn(&next); err != nil {
			return userFnError{err}
		}
		next.PoolID, next.Name, next.CreatedAt = cur.PoolID, cur.Name, cur.CreatedAt
		next.UpdatedAt = normTime(next.UpdatedAt)
		if next.Precedence != nil {
			p := *next.Precedence
			next.Precedence = &p
		}
		if _, err := s.txExec(ctx, tx, s.q.updateGroup,
			next.Description, next.RoleArn, precedenceArg(next.Precedence), millis(next.UpdatedAt), poolID, name); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return store.Group{}, s.mapErr(ctx, "update group", err)
	}
	return out, nil
}

// DeleteGroup deletes the group and, by cascade, its memberships;
// store.ErrNotFound if absent.
func (s *Store) DeleteGroup(ctx context.Context, poolID, name string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	n, err := s.execRows(ctx, s.q.deleteGroup, poolID, name)
	if err == nil && n == 0 {
		return groupNotFound(poolID, name)
	}
	return s.mapErr(ctx, "delete group", err)
}

// ListGroups returns up to page.Limit groups of the pool with names after
// page.After in name order, and the cursor (the last name) of the next
// page, "" on the last page.
func (s *Store) ListGroups(ctx context.Context, poolID string, page store.PageRequest) ([]store.Group, string, error) {
	return s.queryGroups(ctx, "list groups", page, s.q.listGroups, poolID)
}

// ListGroupsForUser returns the user's groups ordered by name, paginated
// like ListGroups. An unknown user lists nothing.
func (s *Store) ListGroupsForUser(ctx context.Context, poolID, userKey string, page store.PageRequest) ([]store.Group, string, error) {
	return s.queryGroups(ctx, "list groups for user", page, s.q.listGroupsForUser, poolID, userKey)
}

// queryGroups runs a group listing whose last two arguments are the cursor
// and the row limit, which it appends to args.
func (s *Store) queryGroups(ctx context.Context, op string, page store.PageRequest, query string, args ...any) ([]store.Group, string, error) {
	if s.closed.Load() {
		return nil, "", store.ErrClosed
	}
	limit, err := pageLimit(page)
	if err != nil {
		return nil, "", err
	}
	return queryPage(ctx, s, op, limit, scanGroup, func(g *store.Group) string { return g.Name },
		query, append(args, page.After, limit+1)...)
}

// ListUsersInGroup returns the group's users ordered by key, paginated
// with the last key as cursor. An unknown group lists nothing.
func (s *Store) ListUsersInGroup(ctx context.Context, poolID, group string, page store.PageRequest) ([]store.User, string, error) {
	if s.closed.Load() {
		return nil, "", store.ErrClosed
	}
	limit, err := pageLimit(page)
	if err != nil {
		return nil, "", err
	}
	return queryPage(ctx, s, "list users in group", limit, scanUser, byKey, s.q.listUsersInGroup, poolID, group, page.After, limit+1)
}

// CountGroups returns the number of groups of the pool (0 for an unknown
// pool).
func (s *Store) CountGroups(ctx context.Context, poolID string) (int, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	var n int
	if err := s.rQueryRow(ctx, s.q.countGroups, poolID).Scan(&n); err != nil {
		return 0, s.mapErr(ctx, "count groups", err)
	}
	return n, nil
}

// checkMembers returns store.ErrNotFound, naming what is missing, unless
// both the user and the group exist.
func (s *Store) checkMembers(ctx context.Context, tx *sql.Tx, poolID, group, userKey string) error {
	var one int
	err := s.txQueryRow(ctx, tx, s.q.userExists, poolID, userKey).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return userNotFound(poolID, userKey)
	}
	if err != nil {
		return err
	}
	err = s.txQueryRow(ctx, tx, s.q.groupExists, poolID, group).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return groupNotFound(poolID, group)
	}
	return err
}

// AddUserToGroup adds the membership if absent; store.ErrNotFound if the
// user or the group does not exist (checked first; one deleted meanwhile
// fails the foreign key, reported as store.ErrNotFound too).
func (s *Store) AddUserToGroup(ctx context.Context, poolID, group, userKey string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkMembers(ctx, tx, poolID, group, userKey); err != nil {
			return err
		}
		_, err := s.txExec(ctx, tx, s.q.addMember, poolID, group, userKey)
		return err
	})
	return s.mapErr(ctx, "add user to group", err)
}

// RemoveUserFromGroup removes the membership if present; store.ErrNotFound
// if the user or the group does not exist.
func (s *Store) RemoveUserFromGroup(ctx context.Context, poolID, group, userKey string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := s.txExec(ctx, tx, s.q.removeMember, poolID, group, userKey)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		// Nothing removed: fine if both exist.
		return s.checkMembers(ctx, tx, poolID, group, userKey)
	})
	return s.mapErr(ctx, "remove user from group", err)
}
