package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

// planCase is one query whose plan must read an index in the order the
// query returns rows: no table scan, no sort.
type planCase struct {
	name  string
	query string
	args  []any
}

// userPlanCases returns the ListUsers queries of every filter field, by
// equality and by prefix, first and later pages, and the other indexed
// user and group lookups.
func userPlanCases(t *testing.T, d *dialect) []planCase {
	t.Helper()
	q := buildQueries(d)
	var cases []planCase
	add := func(name string, f *store.UserFilter, after string) {
		l, err := buildUserListing(d, "us-east-1_p", f, after, 61)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if l.none {
			t.Fatalf("%s: matches nothing", name)
		}
		cases = append(cases, planCase{name, l.query, l.args})
	}
	add("list", nil, "")
	add("list after", nil, "k")
	for field, fc := range filterFields {
		value, later := "Sm", encodeCursor("Smith", "k")
		switch fc.kind {
		case boolColumn:
			value, later = "true", "k"
		case uniqueColumn:
			later = "Smith"
		}
		add(field+" =", &store.UserFilter{Field: field, Value: value}, "")
		add(field+" = after", &store.UserFilter{Field: field, Value: value}, "k")
		if fc.kind == boolColumn {
			add(field+" ^= ''", &store.UserFilter{Field: field, Prefix: true}, "")
			add(field+" ^= '' after", &store.UserFilter{Field: field, Prefix: true}, encodeCursor("false", "k"))
			continue
		}
		add(field+" ^=", &store.UserFilter{Field: field, Value: value, Prefix: true}, "")
		add(field+" ^= after", &store.UserFilter{Field: field, Value: value, Prefix: true}, later)
	}
	return append(cases,
		planCase{"user by sub", q.getUserBySub, []any{"p", "s"}},
		planCase{"user by alias", q.getUserByAlias, []any{"p", "a"}},
		planCase{"groups for user", q.listGroupsForUser, []any{"p", "k", "g", 61}},
		planCase{"users in group", q.listUsersInGroup, []any{"p", "g", "k", 61}},
		planCase{"groups", q.listGroups, []any{"p", "g", 61}},
		planCase{"count users", q.countUsers, []any{"p"}},
		planCase{"user with token family", q.getUserWithFamily, []any{"f", "p", "k"}},
		planCase{"client with pool", q.getClientWithPool, []any{"c"}},
	)
}

// TestUserQueriesUseIndexesSQLite checks SQLite's plans: every step
// searches an index (or the alias table's primary key), none scans a
// table or sorts.
func TestUserQueriesUseIndexesSQLite(t *testing.T) {
	s := openStore(t, Config{DSN: sqliteBackend().newDSN(t)})
	for _, c := range userPlanCases(t, s.d) {
		rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+c.query, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(detail, "CORRELATED SCALAR SUBQUERY") {
				continue // a heading: the subquery's own steps follow
			}
			steps = append(steps, detail)
		}
		_ = rows.Close()
		for _, st := range steps {
			if strings.HasPrefix(st, "SCAN") && !strings.Contains(st, "USING COVERING INDEX") && !strings.Contains(st, "USING INDEX") ||
				strings.Contains(st, "TEMP B-TREE") || !strings.Contains(st, "INDEX") && !strings.Contains(st, "PRIMARY KEY") {
				t.Errorf("%s: plan %q\n  query %s", c.name, steps, c.query)
				break
			}
		}
		if strings.Contains(c.name, "count") {
			continue
		}
		// Besides count (a covering scan of the pool's part of an index), a
		// search, not a scan.
		for _, st := range steps {
			if !strings.HasPrefix(st, "SEARCH") {
				t.Errorf("%s: plan %q\n  query %s", c.name, steps, c.query)
				break
			}
		}
	}
}

// TestUserQueriesUseIndexesPostgres checks PostgreSQL's plans with
// sequential scans, bitmap scans and sorts made prohibitively expensive:
// if the plan still has one, no index answers the query in order.
func TestUserQueriesUseIndexesPostgres(t *testing.T) {
	s := openStore(t, Config{DSN: postgresBackend(t).newDSN(t)})
	ctx := t.Context()
	for _, c := range userPlanCases(t, s.d) {
		plan, err := pgPlan(ctx, s, c.query, c.args)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if strings.Contains(plan, "Seq Scan") || strings.Contains(plan, "Bitmap") ||
			strings.Contains(plan, "Sort") && !strings.Contains(c.name, "count") ||
			!strings.Contains(plan, "Index") {
			t.Errorf("%s: plan\n%s\n  query %s", c.name, plan, c.query)
		}
	}
}

func pgPlan(ctx context.Context, s *Store, query string, args []any) (string, error) {
	tx, err := s.w.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer func() { _ = tx.Rollback() }()
	for _, set := range []string{"enable_seqscan", "enable_bitmapscan", "enable_sort"} {
		if _, err := tx.ExecContext(ctx, "SET LOCAL "+set+" = off"); err != nil {
			return "", err
		}
	}
	rows, err := tx.QueryContext(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return "", err
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n"), rows.Err()
}
