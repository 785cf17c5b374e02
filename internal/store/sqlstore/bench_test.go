package sqlstore

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// Benchmarks of the store on SQLite (synchronous=FULL), the figures quoted
// in DRIVER.md. Run with: go test -run '^$' -bench . ./internal/store/sqlstore

func benchStore(b *testing.B, pools int) *Store {
	b.Helper()
	s, err := Open(b.Context(), Config{DSN: "sqlite:" + b.TempDir() + "/bench.db"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	for i := range pools {
		if err := s.CreateUserPool(b.Context(), benchPool(i)); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func benchPool(i int) store.UserPool {
	now := time.Now()
	return store.UserPool{
		ID: fmt.Sprintf("us-east-1_%09d", i), Name: "bench", CreatedAt: now, UpdatedAt: now,
		Settings: []byte(`{"mfa":"OFF","policies":{"passwordPolicy":{"minimumLength":8}},"counter":0}`),
	}
}

func BenchmarkSQLiteCreateUserPool(b *testing.B) {
	s := benchStore(b, 0)
	i := 0
	for b.Loop() {
		if err := s.CreateUserPool(b.Context(), benchPool(i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkSQLiteGetUserPool(b *testing.B) {
	s := benchStore(b, 200)
	i := 0
	for b.Loop() {
		if _, err := s.GetUserPool(b.Context(), benchPool(i%200).ID); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkSQLiteUpdateUserPool(b *testing.B) {
	s := benchStore(b, 200)
	i := 0
	for b.Loop() {
		if _, err := s.UpdateUserPool(b.Context(), benchPool(i%200).ID, func(p *store.UserPool) error {
			p.UpdatedAt = time.Now()
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkSQLiteListUserPools60(b *testing.B) {
	s := benchStore(b, 200)
	for b.Loop() {
		ps, _, err := s.ListUserPools(b.Context(), store.PageRequest{Limit: 60})
		if err != nil || len(ps) != 60 {
			b.Fatal(len(ps), err)
		}
	}
}

// benchUser returns the i-th user of a benchmark pool: attributes as a
// pool with email and phone sign-in holds them, an email alias, and a data
// document the size of a password verifier and salt.
func benchUser(i int) store.User {
	now := time.Now()
	key := fmt.Sprintf("user%07d", i)
	email := key + "@example.com"
	sub := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", i*2654435761%(1<<32), i%0xffff, i%0xfff, (i/7)%0xfff, i)
	given := []string{"Ann", "Bob", "Carla", "Dmitri", "Eve", "Farid", "Grace", "Hiro"}[i%8]
	family := fmt.Sprintf("Family%04d", i%2000)
	return store.User{
		Key: key, Username: key, Sub: sub, Status: "CONFIRMED", Enabled: i%50 != 0,
		Attributes: []store.Attribute{
			{Name: "sub", Value: sub},
			{Name: "email", Value: email},
			{Name: "email_verified", Value: "true"},
			{Name: "phone_number", Value: fmt.Sprintf("+1555%07d", i)},
			{Name: "given_name", Value: given},
			{Name: "family_name", Value: family},
			{Name: "name", Value: given + " " + family},
		},
		Aliases:   []string{"email:" + email},
		CreatedAt: now, UpdatedAt: now,
		Data: []byte(`{"verifier":"` + strings.Repeat("ab", 96) + `","salt":"0123456789abcdef0123456789abcdef","codes":[]}`),
	}
}

// seedBenchPool creates pool 0 with n users through SeedUsers, reporting
// how long seeding took.
func seedBenchPool(b *testing.B, s *Store, n int) string {
	b.Helper()
	poolID := benchPool(0).ID
	if err := s.CreateUserPool(b.Context(), benchPool(0)); err != nil {
		b.Fatal(err)
	}
	users := make([]store.User, n)
	for i := range users {
		users[i] = benchUser(i)
	}
	start := time.Now()
	if err := s.SeedUsers(b.Context(), poolID, users); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	var pages, pageSize int64
	if err := s.r.QueryRowContext(b.Context(), "SELECT page_count, page_size FROM pragma_page_count, pragma_page_size").Scan(&pages, &pageSize); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d users in %v (%.0f users/s); database %d MiB", n, took, float64(n)/took.Seconds(), pages*pageSize>>20)
	return poolID
}

// BenchmarkListUsersFilter measures ListUsers on SQLite pools of growing
// size: an email equality (one hit), a family_name prefix (a page of 60
// out of 5% of the pool), the first unfiltered page of 60, and CreateUser
// into the pool. The 1,000,000-user pool runs only with
// GOGNITO_BENCH_LARGE=1.
func BenchmarkListUsersFilter(b *testing.B) {
	sizes := []int{1000, 100_000}
	if os.Getenv("GOGNITO_BENCH_LARGE") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			s := benchStore(b, 0)
			poolID := seedBenchPool(b, s, n)
			ctx := b.Context()
			b.Run("email-equal", func(b *testing.B) {
				i := 0
				for b.Loop() {
					email := fmt.Sprintf("user%07d@example.com", (i*7919)%n)
					us, _, err := s.ListUsers(ctx, poolID, &store.UserFilter{Field: store.FilterEmail, Value: email}, store.PageRequest{Limit: 60})
					if err != nil || len(us) != 1 {
						b.Fatal(len(us), err)
					}
					i++
				}
			})
			b.Run("family-prefix-60", func(b *testing.B) {
				i := 0
				for b.Loop() {
					prefix := fmt.Sprintf("Family%02d", (i*7)%min(20, n/100))
					us, next, err := s.ListUsers(ctx, poolID, &store.UserFilter{Field: store.FilterFamilyName, Value: prefix, Prefix: true}, store.PageRequest{Limit: 60})
					if err != nil || len(us) != 60 || next == "" {
						b.Fatal(len(us), next, err)
					}
					i++
				}
			})
			b.Run("family-prefix-60-page2", func(b *testing.B) {
				f := &store.UserFilter{Field: store.FilterFamilyName, Value: "Family00", Prefix: true}
				_, next, err := s.ListUsers(ctx, poolID, f, store.PageRequest{Limit: 60})
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					us, _, err := s.ListUsers(ctx, poolID, f, store.PageRequest{After: next, Limit: 60})
					if err != nil || len(us) == 0 {
						b.Fatal(len(us), err)
					}
				}
			})
			b.Run("first-page-60", func(b *testing.B) {
				for b.Loop() {
					us, _, err := s.ListUsers(ctx, poolID, nil, store.PageRequest{Limit: 60})
					if err != nil || len(us) != 60 {
						b.Fatal(len(us), err)
					}
				}
			})
			b.Run("get-user", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := s.GetUser(ctx, poolID, fmt.Sprintf("user%07d", (i*7919)%n)); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			next := n // the next new user, across -count runs
			b.Run("create-user", func(b *testing.B) {
				for b.Loop() {
					i := next
					next++
					u := benchUser(i)
					u.PoolID = poolID
					if err := s.CreateUser(ctx, u); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
