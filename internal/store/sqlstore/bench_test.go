package sqlstore

import (
	"fmt"
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
