package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/storetest"
)

// postgresEnv names the variable holding the DSN of a PostgreSQL database
// the tests may create and drop schemas in. Without it the PostgreSQL
// tests are skipped.
const postgresEnv = "GOGNITO_TEST_POSTGRES_DSN"

// backend makes DSNs of fresh, empty databases of one kind.
type backend struct {
	name string
	// newDSN returns the DSN of a new empty database that lives until t
	// ends.
	newDSN func(t *testing.T) string
}

func sqliteBackend() backend {
	return backend{name: "SQLite", newDSN: func(t *testing.T) string {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}}
}

// postgresBackend returns the PostgreSQL backend, or skips t when no
// server is configured. Every DSN it makes points at a schema of its own,
// dropped when the test ends.
func postgresBackend(t *testing.T) backend {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skipf("%s not set", postgresEnv)
	}
	return backend{name: "PostgreSQL", newDSN: func(t *testing.T) string {
		t.Helper()
		return postgresSchemaDSN(t, dsn)
	}}
}

func postgresSchemaDSN(t *testing.T, dsn string) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", postgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openStore opens dsn and closes the store when t ends.
func openStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Open(%q): %v", cfg.DSN, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func runConformance(t *testing.T, b backend) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openStore(t, Config{DSN: b.newDSN(t)})
	})
}

func TestConformanceSQLite(t *testing.T) { runConformance(t, sqliteBackend()) }

func TestConformanceSQLiteMemory(t *testing.T) {
	runConformance(t, backend{name: "memory", newDSN: func(*testing.T) string { return "sqlite::memory:" }})
}

func TestConformancePostgres(t *testing.T) { runConformance(t, postgresBackend(t)) }

func TestRestartSQLite(t *testing.T)   { testRestart(t, sqliteBackend()) }
func TestRestartPostgres(t *testing.T) { testRestart(t, postgresBackend(t)) }

// testRestart writes, closes, reopens and reads back.
func testRestart(t *testing.T, b backend) {
	ctx := t.Context()
	dsn := b.newDSN(t)
	created := time.Date(2025, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	p := store.UserPool{ID: "us-east-1_restart", Name: "durable", CreatedAt: created, UpdatedAt: created, Settings: []byte(`{"x":1}`)}
	c := store.Client{PoolID: p.ID, ID: "client-restart", Name: "app", Secret: "s3cret", CreatedAt: created, UpdatedAt: created, Settings: []byte(`{}`)}

	s, err := Open(ctx, Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUserPool(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUserPool(ctx, p.ID, func(p *store.UserPool) error { p.Name = "durable v2"; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = openStore(t, Config{DSN: dsn})
	got, err := s.GetUserPool(ctx, p.ID)
	if err != nil {
		t.Fatalf("GetUserPool after reopen: %v", err)
	}
	if got.Name != "durable v2" || !got.CreatedAt.Equal(created) || string(got.Settings) != `{"x":1}` {
		t.Errorf("pool after reopen = %+v", got)
	}
	gotC, _, err := s.GetClientWithPool(ctx, c.ID)
	if err != nil {
		t.Fatalf("GetClientWithPool after reopen: %v", err)
	}
	if gotC.PoolID != p.ID || gotC.Secret != "s3cret" || !gotC.UpdatedAt.Equal(created) {
		t.Errorf("client after reopen = %+v", gotC)
	}
	// Reopening applied no migration twice.
	if n := countMigrations(t, s); n != numMigrations(t, s) {
		t.Errorf("schema_migrations has %d rows after reopen, want %d", n, numMigrations(t, s))
	}
}

func countMigrations(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.w.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatalf("count schema_migrations: %v", err)
	}
	return n
}

func numMigrations(t *testing.T, s *Store) int {
	t.Helper()
	ms, err := loadMigrations(s.d.name)
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

func TestMigrateSQLite(t *testing.T)   { testMigrate(t, sqliteBackend()) }
func TestMigratePostgres(t *testing.T) { testMigrate(t, postgresBackend(t)) }

// testMigrate checks that an unmigrated database has no tables, that
// Migrate creates them and records each version once, and that rows
// written at migration 1 survive Migrate running again, on the same store
// and on a fresh Open.
func testMigrate(t *testing.T, b backend) {
	ctx := t.Context()
	dsn := b.newDSN(t)
	s := openStore(t, Config{DSN: dsn, SkipMigrate: true})
	if err := s.CreateUserPool(ctx, store.UserPool{ID: "p"}); err == nil {
		t.Fatal("CreateUserPool on an unmigrated database succeeded")
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	var version int64
	if err := s.w.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&version); err != nil || version != int64(numMigrations(t, s)) {
		t.Fatalf("schema version %d, %v; want %d", version, err, numMigrations(t, s))
	}
	at := time.UnixMilli(1_700_000_000_123).UTC()
	if err := s.CreateUserPool(ctx, store.UserPool{ID: "p", Name: "n", CreatedAt: at, UpdatedAt: at, Settings: []byte("s")}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateClient(ctx, store.Client{PoolID: "p", ID: "c", CreatedAt: at, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate again (%d): %v", i, err)
		}
	}
	s2 := openStore(t, Config{DSN: dsn})
	for _, st := range []*Store{s, s2} {
		p, err := st.GetUserPool(ctx, "p")
		if err != nil || p.Name != "n" || string(p.Settings) != "s" || !p.CreatedAt.Equal(at) {
			t.Errorf("pool after re-migrating = %+v, %v", p, err)
		}
		if _, err := st.GetClient(ctx, "p", "c"); err != nil {
			t.Errorf("client after re-migrating: %v", err)
		}
	}
	if n, want := countMigrations(t, s), numMigrations(t, s); n != want {
		t.Errorf("schema_migrations has %d rows, want %d", n, want)
	}
}

func TestConcurrentMigrateSQLite(t *testing.T)   { testConcurrentMigrate(t, sqliteBackend()) }
func TestConcurrentMigratePostgres(t *testing.T) { testConcurrentMigrate(t, postgresBackend(t)) }

// testConcurrentMigrate runs several migrators, as separate processes
// would, against one fresh database at once.
func testConcurrentMigrate(t *testing.T, b backend) {
	dsn := b.newDSN(t)
	const n = 4
	stores := make([]*Store, n)
	for i := range stores {
		stores[i] = openStore(t, Config{DSN: dsn, SkipMigrate: true})
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Migrate(t.Context())
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Migrate: %v", err)
	}
	if got, want := countMigrations(t, stores[0]), numMigrations(t, stores[0]); got != want {
		t.Errorf("schema_migrations has %d rows, want %d", got, want)
	}
}

// TestSQLiteSettings checks the pragmas every connection runs with.
func TestSQLiteSettings(t *testing.T) {
	ctx := t.Context()
	s := openStore(t, Config{DSN: sqliteBackend().newDSN(t), BusyTimeout: 1234 * time.Millisecond})
	pragma := func(db *sql.DB, name string) string {
		t.Helper()
		var v string
		if err := db.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			t.Fatalf("PRAGMA %s: %v", name, err)
		}
		return v
	}
	for _, tc := range []struct {
		db         *sql.DB
		name, want string
	}{
		{s.w, "journal_mode", "wal"},
		{s.w, "foreign_keys", "1"},
		{s.w, "synchronous", "2"}, // FULL
		{s.w, "busy_timeout", "1234"},
		{s.w, "query_only", "0"},
		{s.r, "journal_mode", "wal"},
		{s.r, "foreign_keys", "1"},
		{s.r, "busy_timeout", "1234"},
		{s.r, "query_only", "1"},
		{s.w, "mmap_size", strconv.Itoa(sqliteMmapSize)},
		{s.r, "mmap_size", strconv.Itoa(sqliteMmapSize)},
	} {
		if got := pragma(tc.db, tc.name); got != tc.want {
			who := "writer"
			if tc.db == s.r {
				who = "reader"
			}
			t.Errorf("%s: PRAGMA %s = %s, want %s", who, tc.name, got, tc.want)
		}
	}
	if got := s.w.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("writer pool allows %d connections, want 1", got)
	}
}

// TestSQLiteTwoStoresOneFile runs atomic updates from two stores on the
// same file, as two processes would: their writers contend for the file's
// lock, which busy_timeout resolves without losing an update.
func TestSQLiteTwoStoresOneFile(t *testing.T) {
	ctx := t.Context()
	dsn := sqliteBackend().newDSN(t)
	a := openStore(t, Config{DSN: dsn})
	b := openStore(t, Config{DSN: dsn})
	if err := a.CreateUserPool(ctx, store.UserPool{ID: "p"}); err != nil {
		t.Fatal(err)
	}
	const perWorker = 20
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range errs {
		s := []*Store{a, b}[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWorker {
				_, err := s.UpdateUserPool(ctx, "p", func(p *store.UserPool) error {
					n, _ := strconv.Atoi(string(p.Settings))
					p.Settings = []byte(strconv.Itoa(n + 1))
					return nil
				})
				if err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	p, err := b.GetUserPool(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(len(errs) * perWorker); string(p.Settings) != want {
		t.Errorf("counter = %s, want %s", p.Settings, want)
	}
}

func TestOpenSQLiteDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	s, err := OpenSQLiteDir(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("data directory mode %o, want 700", perm)
	}
	if err := s.CreateUserPool(t.Context(), store.UserPool{ID: "p"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gognito.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
	if _, err := OpenSQLiteDir(t.Context(), ""); err == nil {
		t.Error("OpenSQLiteDir(\"\"): no error")
	}
}

func TestOpenPathForms(t *testing.T) {
	dir := t.TempDir()
	// A path with characters that are special in URIs still names a file.
	odd := filepath.Join(dir, "a dir#1", "x?y%.db")
	if err := os.MkdirAll(filepath.Dir(odd), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, dsn := range []string{odd, "sqlite:" + odd, "sqlite://" + odd} {
		s := openStore(t, Config{DSN: dsn})
		if err := s.CreateUserPool(t.Context(), store.UserPool{ID: "p-" + strconv.Itoa(len(dsn))}); err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(odd); err != nil {
		t.Fatalf("database file not at %q: %v", odd, err)
	}
	// All three DSNs named the same file.
	s := openStore(t, Config{DSN: odd})
	n, err := s.CountUserPools(t.Context())
	if err != nil || n != 3 {
		t.Errorf("CountUserPools = %d, %v; want 3", n, err)
	}
}

func TestParseDSN(t *testing.T) {
	for _, tc := range []struct {
		dsn, kind, target string
		bad               bool
	}{
		{dsn: "postgres://u:p@h/db?sslmode=disable", kind: "postgres", target: "postgres://u:p@h/db?sslmode=disable"},
		{dsn: "postgresql://h/db", kind: "postgres", target: "postgresql://h/db"},
		{dsn: "sqlite:/var/lib/g.db", kind: "sqlite", target: "/var/lib/g.db"},
		{dsn: "sqlite:rel/g.db", kind: "sqlite", target: "rel/g.db"},
		{dsn: "sqlite:///abs/g.db", kind: "sqlite", target: "/abs/g.db"},
		{dsn: "sqlite::memory:", kind: "sqlite", target: ":memory:"},
		{dsn: "/plain/path.db", kind: "sqlite", target: "/plain/path.db"},
		{dsn: "", bad: true},
		{dsn: "sqlite:", bad: true},
		{dsn: "mysql://h/db", bad: true},
	} {
		kind, target, err := parseDSN(tc.dsn)
		if tc.bad {
			if err == nil {
				t.Errorf("parseDSN(%q): no error", tc.dsn)
			}
			continue
		}
		if err != nil || kind != tc.kind || target != tc.target {
			t.Errorf("parseDSN(%q) = %q, %q, %v; want %q, %q", tc.dsn, kind, target, err, tc.kind, tc.target)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	if _, err := Open(ctx, Config{}); err == nil {
		t.Error("Open with an empty DSN: no error")
	}
	// A directory cannot be a database file.
	if s, err := Open(ctx, Config{DSN: t.TempDir()}); err == nil {
		_ = s.Close()
		t.Error("Open on a directory: no error")
	}
	// Nothing listens on port 1.
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if s, err := Open(cctx, Config{DSN: "postgres://u:p@127.0.0.1:1/db?sslmode=disable&connect_timeout=2"}); err == nil {
		_ = s.Close()
		t.Error("Open on a closed port: no error")
	}
}

// TestMigrationsMatch checks that both dialects have the same migration
// versions under the same names.
func TestMigrationsMatch(t *testing.T) {
	lite, err := loadMigrations(sqliteDialect().name)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrations(postgresDialect().name)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || len(lite) != len(pg) {
		t.Fatalf("%d SQLite and %d PostgreSQL migrations", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].version != pg[i].version || lite[i].name != pg[i].name {
			t.Errorf("migration %d: SQLite %04d_%s, PostgreSQL %04d_%s", i, lite[i].version, lite[i].name, pg[i].version, pg[i].name)
		}
		if lite[i].version != int64(i+1) {
			t.Errorf("migration %d has version %d, want %d", i, lite[i].version, i+1)
		}
	}
}

// TestQueriesPlaceholders checks that each dialect's SQL uses only its own
// bind markers, for every statement of the queries struct: the SQLite text
// has n "?" and no "$", the PostgreSQL text has no "?" and $1..$n in that
// order, so that both take the same arguments.
func TestQueriesPlaceholders(t *testing.T) {
	lite, pg := sqliteDialect(), postgresDialect()
	lq, pq := reflect.ValueOf(buildQueries(lite)), reflect.ValueOf(buildQueries(pg))
	check := func(name, l, p string) {
		t.Helper()
		if l == "" || p == "" {
			t.Errorf("%s: empty statement (sqlite %q, postgres %q)", name, l, p)
			return
		}
		n := strings.Count(l, "?")
		if strings.Contains(l, "$") {
			t.Errorf("sqlite %s: %s", name, l)
		}
		var nums []int
		for _, m := range pgPlaceholder.FindAllStringSubmatch(p, -1) {
			k, _ := strconv.Atoi(m[1])
			nums = append(nums, k)
		}
		want := make([]int, n)
		for i := range want {
			want[i] = i + 1
		}
		if strings.Contains(p, "?") || !slices.Equal(nums, want) {
			t.Errorf("postgres %s has placeholders %v, want %v: %s", name, nums, want, p)
		}
	}
	if lq.NumField() < 50 {
		t.Fatalf("queries has %d fields: reflection sees the wrong type?", lq.NumField())
	}
	for i := range lq.NumField() {
		f := lq.Type().Field(i)
		if f.Type.Kind() != reflect.String {
			t.Errorf("queries.%s is a %s, not a string: extend this test", f.Name, f.Type)
			continue
		}
		check(f.Name, lq.Field(i).String(), pq.Field(i).String())
	}
	var listings [2]string
	for i, d := range []*dialect{lite, pg} {
		l, err := buildUserListing(d, "p", &store.UserFilter{Field: store.FilterFamilyName, Value: "S", Prefix: true}, encodeCursor("Smith", "k"), 10)
		if err != nil {
			t.Fatal(err)
		}
		listings[i] = l.query
	}
	check("userListing", listings[0], listings[1])
	if got := buildQueries(pg).updateClient; got != "UPDATE clients SET name = $1, secret = $2, updated_at = $3, settings = $4 WHERE pool_id = $5 AND id = $6" {
		t.Errorf("postgres updateClient = %s", got)
	}
	if got := buildQueries(pg).listRememberedDevices; !strings.HasSuffix(got, " AND key > $3 AND remembered = $4 ORDER BY key LIMIT $5") {
		t.Errorf("postgres listRememberedDevices = %s", got)
	}
}

var pgPlaceholder = regexp.MustCompile(`\$([0-9]+)`)

// TestPostgresRetriesSerializationFailures checks that a transaction failing
// with a serialization failure is run again.
func TestPostgresRetriesSerializationFailures(t *testing.T) {
	b := postgresBackend(t)
	s := openStore(t, Config{DSN: b.newDSN(t)})
	attempts := 0
	err := s.inTx(t.Context(), func(tx *sql.Tx) error {
		attempts++
		if attempts < 3 {
			_, err := tx.ExecContext(t.Context(), `DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = 'serialization_failure'; END $$`)
			if err == nil {
				return fmt.Errorf("forced failure did not fail")
			}
			return err
		}
		return nil
	})
	if err != nil || attempts != 3 {
		t.Errorf("inTx = %v after %d attempts; want success on the 3rd", err, attempts)
	}
	attempts = 0
	err = s.inTx(t.Context(), func(tx *sql.Tx) error {
		attempts++
		_, err := tx.ExecContext(t.Context(), `DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = 'deadlock_detected'; END $$`)
		return err
	})
	if err == nil || attempts != maxAttempts || !postgresDialect().isRetryable(err) {
		t.Errorf("inTx = %v after %d attempts; want the deadlock error after %d", err, attempts, maxAttempts)
	}
}

// TestSQLiteStatementsIgnoreLiveContexts checks that a statement under a
// cancellable context costs no more than one under a context that can
// never end: neither the driver nor database/sql starts a goroutine to
// watch it. A context that has already ended still fails the call.
func TestSQLiteStatementsIgnoreLiveContexts(t *testing.T) {
	s := openStore(t, Config{DSN: sqliteBackend().newDSN(t)})
	now := time.UnixMilli(1_700_000_000_000).UTC()
	p := store.UserPool{ID: "us-east-1_ctx", Name: "ctx", CreatedAt: now, UpdatedAt: now, Settings: []byte(`{}`)}
	if err := s.CreateUserPool(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	get := func(ctx context.Context) func() {
		return func() {
			if _, err := s.GetUserPool(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	live, cancel := context.WithCancel(context.Background())
	defer cancel()
	get(live)() // prepare the statement first
	never := testing.AllocsPerRun(50, get(context.Background()))
	cancellable := testing.AllocsPerRun(50, get(live))
	// WithoutCancel itself allocates once.
	if cancellable > never+1 {
		t.Errorf("GetUserPool allocates %.0f times under a cancellable context, %.0f under one that never ends: a watcher per statement?", cancellable, never)
	}
	cancel()
	if _, err := s.GetUserPool(live, p.ID); !errors.Is(err, context.Canceled) {
		t.Errorf("GetUserPool with an ended context: %v, want context.Canceled", err)
	}
}
