package sqlstore

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

func TestSeedUsersSQLite(t *testing.T)   { testSeedUsers(t, sqliteBackend()) }
func TestSeedUsersPostgres(t *testing.T) { testSeedUsers(t, postgresBackend(t)) }

// testSeedUsers seeds across statement and transaction boundaries and
// checks that seeded users are indistinguishable from created ones.
func testSeedUsers(t *testing.T, b backend) {
	ctx := t.Context()
	s := openStore(t, Config{DSN: b.newDSN(t)})
	defer func(n int) { seedUsersPerTx = n }(seedUsersPerTx)
	seedUsersPerTx = 2*seedUsersPerStatement + 10 // 3 statements a transaction, the last partial

	const n = 2*(2*seedUsersPerStatement+10) + 37 // 3 transactions, the last partial
	users := make([]store.User, n)
	for i := range users {
		u := benchUser(i)
		u.PoolID = "ignored"
		switch i % 4 {
		case 0:
			u.Aliases = nil
		case 1:
			u.Aliases = append(u.Aliases, fmt.Sprintf("phone:+1555%07d", i), fmt.Sprintf("preferred:p%d", i))
		}
		users[i] = u
	}
	err := s.SeedUsers(ctx, "us-east-1_none", users)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SeedUsers(missing pool) = %v, want ErrNotFound", err)
	}
	if err := s.CreateUserPool(ctx, store.UserPool{ID: "p"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SeedUsers(ctx, "p", users); err != nil {
		t.Fatalf("SeedUsers: %v", err)
	}
	if c, err := s.CountUsers(ctx, "p"); err != nil || c != n {
		t.Fatalf("CountUsers = %d, %v; want %d", c, err, n)
	}
	for _, i := range []int{0, 1, 2, seedUsersPerStatement, seedUsersPerTx, n - 1} {
		want := users[i]
		got, err := s.GetUser(ctx, "p", want.Key)
		if err != nil {
			t.Fatalf("GetUser(%s): %v", want.Key, err)
		}
		if got.PoolID != "p" || got.Sub != want.Sub || got.Enabled != want.Enabled || !slices.Equal(got.Attributes, want.Attributes) ||
			!slices.Equal(got.Aliases, want.Aliases) || string(got.Data) != string(want.Data) || !got.CreatedAt.Equal(normTime(want.CreatedAt)) {
			t.Errorf("seeded user %d:\n got  %+v\n want %+v", i, got, want)
		}
		for _, a := range want.Aliases {
			if byAlias, err := s.GetUserByAlias(ctx, "p", a); err != nil || byAlias.Key != want.Key {
				t.Errorf("GetUserByAlias(%s) = %q, %v; want %s", a, byAlias.Key, err, want.Key)
			}
		}
		us, _, err := s.ListUsers(ctx, "p", &store.UserFilter{Field: store.FilterEmail, Value: want.Key + "@example.com"}, store.PageRequest{Limit: 5})
		if err != nil || len(us) != 1 || us[0].Key != want.Key {
			t.Errorf("ListUsers(email of user %d) = %d users, %v", i, len(us), err)
		}
	}
	// The uniqueness rules hold for seeded users.
	dup := benchUser(5)
	dup.PoolID, dup.Sub, dup.Aliases = "p", "other-sub", nil
	if c, ok := store.AsConflict(s.CreateUser(ctx, dup)); !ok || c.Field != store.ConflictUsername {
		t.Errorf("CreateUser(seeded key) = %v, want a username conflict", c)
	}
	alias := benchUser(n + 1)
	alias.PoolID, alias.Aliases = "p", []string{"preferred:p5"}
	if c, ok := store.AsConflict(s.CreateUser(ctx, alias)); !ok || c.Field != store.ConflictAlias || c.Key != "preferred:p5" {
		t.Errorf("CreateUser(seeded alias) = %v, want an alias conflict on preferred:p5", c)
	}
	if _, ok := store.AsConflict(s.SeedUsers(ctx, "p", users[3:4])); !ok {
		t.Error("SeedUsers(seeded user again): no *store.ConflictError")
	}
	if err := s.SeedUsers(ctx, "p", []store.User{{Key: "x"}}); err == nil {
		t.Error("SeedUsers(user without sub): no error")
	}
}
