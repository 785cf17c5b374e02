package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gognito/gognito/internal/store"

	// Database drivers: pgx for PostgreSQL, modernc (pure Go) for SQLite.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// Config selects and tunes a backend.
type Config struct {
	// DSN selects the backend:
	//   - "postgres://…" or "postgresql://…": PostgreSQL (any libpq URL pgx
	//     accepts; extra parameters such as search_path are passed on);
	//   - "sqlite:<path>" or a bare file path: SQLite in that file, created
	//     if absent ("sqlite:///abs/path" is accepted too);
	//   - "sqlite::memory:": a private in-memory SQLite database, gone on
	//     Close (tests only).
	DSN string
	// SkipMigrate makes Open leave the schema alone; call Migrate yourself.
	SkipMigrate bool
	// MaxConns caps the connection pool: the read pool on SQLite (writes
	// always go through a single connection), the whole pool on PostgreSQL.
	// Zero picks a default.
	MaxConns int
	// BusyTimeout is how long an SQLite connection waits for a lock held by
	// another process before failing. Zero means 5s. Ignored on PostgreSQL.
	BusyTimeout time.Duration
}

// Store is a store.Store on SQLite or PostgreSQL. It is safe for concurrent
// use.
//
// Update callbacks run inside a write transaction and must not call the
// store themselves: on SQLite they hold its only writer connection, on
// PostgreSQL a lock on the row.
type Store struct {
	d *dialect
	q queries
	// w runs every transaction and every write. On SQLite it holds exactly
	// one connection, so writers queue in database/sql instead of failing
	// with SQLITE_BUSY.
	w *sql.DB
	// r runs single-statement reads. On SQLite it is a separate pool of
	// query_only connections reading WAL snapshots concurrently with the
	// writer; otherwise it is w.
	r      *sql.DB
	closed atomic.Bool
	// rc and wc cache the prepared statements of r and w.
	rc, wc stmtCache
}

var _ store.Store = (*Store)(nil)

// newStore returns a Store over a writer and a reader pool.
func newStore(d *dialect, w, r *sql.DB) *Store {
	return &Store{d: d, q: buildQueries(d), w: w, r: r, rc: stmtCache{db: r}, wc: stmtCache{db: w}}
}

// sqliteMmapSize is the mmap_size of SQLite connections on 64-bit
// platforms: the most SQLite allows (SQLITE_MAX_MMAP_SIZE, just under
// 2 GiB, enough for about 1.8 million users); none where address space is
// scarce.
const sqliteMmapSize = 0x7fff0000 * (strconv.IntSize / 64)

const (
	defaultBusyTimeout = 5 * time.Second
	defaultPGConns     = 10
	// maxAttempts bounds how often a transaction is run when it fails with
	// a retryable error (serialization failure, deadlock, busy database).
	maxAttempts = 5
)

// Open connects to the backend cfg.DSN names and, unless cfg.SkipMigrate,
// brings its schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	kind, target, err := parseDSN(cfg.DSN)
	if err != nil {
		return nil, err
	}
	var s *Store
	switch kind {
	case "postgres":
		s, err = openPostgres(ctx, target, cfg)
	default:
		s, err = openSQLite(ctx, target, cfg)
	}
	if err != nil {
		return nil, err
	}
	if !cfg.SkipMigrate {
		if err := s.Migrate(ctx); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// OpenSQLiteDir creates dir (mode 0700) if needed and opens, migrating it,
// the SQLite database dir/gognito.db.
func OpenSQLiteDir(ctx context.Context, dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("sqlstore: empty data directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: create data directory: %w", err)
	}
	return Open(ctx, Config{DSN: "sqlite:" + filepath.Join(dir, "gognito.db")})
}

// parseDSN returns "postgres" and the DSN itself, or "sqlite" and a file
// path or ":memory:".
func parseDSN(dsn string) (kind, target string, err error) {
	switch {
	case dsn == "":
		return "", "", errors.New("sqlstore: empty DSN")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return "postgres", dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		target = strings.TrimPrefix(dsn, "sqlite:")
		if strings.HasPrefix(target, "//") {
			target = target[2:]
		}
	case strings.Contains(dsn, "://"):
		// The DSN itself may hold a password: name only its scheme.
		scheme, _, _ := strings.Cut(dsn, "://")
		return "", "", fmt.Errorf("sqlstore: DSN scheme %q unsupported (want postgres://, postgresql:// or sqlite:)", scheme)
	default:
		target = dsn
	}
	if target == "" {
		return "", "", fmt.Errorf("sqlstore: DSN %q names no SQLite file", dsn)
	}
	return "sqlite", target, nil
}

func openPostgres(ctx context.Context, dsn string, cfg Config) (*Store, error) {
	d := postgresDialect()
	db, err := sql.Open(d.driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	n := cfg.MaxConns
	if n <= 0 {
		n = defaultPGConns
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlstore: connect to postgres: %w", err)
	}
	return newStore(d, db, db), nil
}

func openSQLite(ctx context.Context, path string, cfg Config) (*Store, error) {
	d := sqliteDialect()
	busy := cfg.BusyTimeout
	if busy <= 0 {
		busy = defaultBusyTimeout
	}
	if path == ":memory:" {
		// The writer is the only connection: every connection to ":memory:"
		// would be a database of its own.
		w, err := openSQLiteWriter(ctx, d, sqliteURI("", busy, false), "sqlite")
		if err != nil {
			return nil, err
		}
		return newStore(d, w, w), nil
	}

	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: sqlite path: %w", err)
	}
	// Connecting the writer first creates the file and switches it to WAL
	// before any reader looks at it.
	w, err := openSQLiteWriter(ctx, d, sqliteURI(abs, busy, false), "sqlite "+abs)
	if err != nil {
		return nil, err
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		_ = w.Close()
		if err == nil {
			err = fmt.Errorf("journal_mode is %q, want wal", mode)
		}
		return nil, fmt.Errorf("sqlstore: open sqlite %s: %w", abs, err)
	}

	r, err := sql.Open(d.driver, sqliteURI(abs, busy, true))
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	n := cfg.MaxConns
	if n <= 0 {
		n = max(4, runtime.GOMAXPROCS(0))
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	if err := r.PingContext(ctx); err != nil {
		_ = r.Close()
		_ = w.Close()
		return nil, fmt.Errorf("sqlstore: open sqlite %s: %w", abs, err)
	}
	return newStore(d, w, r), nil
}

// openSQLiteWriter opens and connects the writer pool of an SQLite
// database: a single connection, kept open for the life of the store (no
// idle or lifetime limit), so that writers queue in database/sql. what
// names the database in connection errors.
func openSQLiteWriter(ctx context.Context, d *dialect, uri, what string) (*sql.DB, error) {
	w, err := sql.Open(d.driver, uri)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	// database/sql keeps up to 2 idle connections, capped at MaxOpenConns,
	// and sets no lifetime or idle limit by default: one open connection is
	// also the one kept idle, forever.
	w.SetMaxOpenConns(1)
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", what, err)
	}
	return w, nil
}

// sqliteURI builds the modernc DSN for the database file at abs ("" for a
// private in-memory database).
//
// Every connection gets busy_timeout and foreign_keys=ON. The writer also
// gets journal_mode=WAL (persistent in the file), synchronous=FULL (a
// commit is durable once it returns, even across power loss; NORMAL could
// lose the last commits), and _txlock=immediate so that a transaction takes
// the write lock at BEGIN rather than failing to upgrade a read lock later.
// Readers are query_only.
//
// On 64-bit platforms every connection also maps up to sqliteMmapSize
// bytes of the file (mmap_size): reads then come straight from the OS page
// cache, shared by all connections, instead of being copied into each
// connection's 2 MB page cache. With pools larger than that cache (about
// 3,000 users) this halves the cost of a page of users read in filter
// order, whose rows are scattered over the file (see DRIVER.md).
func sqliteURI(abs string, busy time.Duration, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if sqliteMmapSize > 0 && abs != "" {
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", sqliteMmapSize))
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		q.Set("_txlock", "immediate")
	}
	if abs == "" {
		return "file::memory:?" + q.Encode()
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := s.w.PingContext(ctx); err != nil {
		return s.fail(ctx, "ping", err)
	}
	if s.r != s.w {
		if err := s.r.PingContext(ctx); err != nil {
			return s.fail(ctx, "ping", err)
		}
	}
	return nil
}

// Close releases the database. Calls after Close, Close included, return
// store.ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return store.ErrClosed
	}
	s.rc.close()
	s.wc.close()
	var err error
	if s.r != s.w {
		err = s.r.Close()
	}
	return errors.Join(err, s.w.Close())
}

// fail wraps err from operation op, turning it into store.ErrClosed when
// the store was closed meanwhile and making sure a context error stays
// visible to errors.Is whatever the driver made of it.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	if s.closed.Load() {
		return fmt.Errorf("sqlstore: %s: %w", op, store.ErrClosed)
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("sqlstore: %s: %w (%v)", op, cerr, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// inTx runs fn in a transaction on the writer and commits it, retrying
// like retry. fn's own errors are returned as they are.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	err := s.retry(ctx, func() error { return s.tryTx(ctx, fn) })
	s.wc.preparePending(context.WithoutCancel(ctx))
	return err
}

// execRows runs one write statement on the writer, retrying like retry,
// and returns the number of rows it affected.
func (s *Store) execRows(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := s.retry(ctx, func() error {
		res, err := s.wExec(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// retry runs op until it succeeds, fails with an error that is not
// retryable (serialization failure, deadlock, busy database), ctx ends, or
// maxAttempts runs failed, pausing a short randomized while between runs.
func (s *Store) retry(ctx context.Context, op func() error) error {
	for attempt := 1; ; attempt++ {
		err := op()
		if _, ok := err.(userFnError); ok {
			return err
		}
		if err == nil || attempt >= maxAttempts || !s.d.isRetryable(err) || ctx.Err() != nil {
			return err
		}
		pause := time.Duration(attempt) * 5 * time.Millisecond
		pause += rand.N(pause)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := s.w.BeginTx(s.stmtCtx(ctx), nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	// On SQLite tx does not watch ctx (stmtCtx); a request that ended
	// while fn ran must still not commit.
	if err = ctx.Err(); err != nil {
		return err
	}
	return tx.Commit()
}

// userFnError marks an error returned by an Update callback so that it
// reaches the caller unwrapped.
type userFnError struct{ err error }

func (e userFnError) Error() string { return e.err.Error() }
func (e userFnError) Unwrap() error { return e.err }

// mapErr turns err from operation op into what the caller gets: fn's own
// error unchanged, store sentinels for constraint violations, ErrClosed
// after Close, and everything else wrapped with op.
func (s *Store) mapErr(ctx context.Context, op string, err error) error {
	var ue userFnError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ue):
		return ue.err
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrClosed):
		return err
	case s.d.isUniqueViolation(err):
		return fmt.Errorf("sqlstore: %s: %w (%v)", op, store.ErrConflict, err)
	case s.d.isForeignKeyViolation(err):
		return fmt.Errorf("sqlstore: %s: %w (%v)", op, store.ErrNotFound, err)
	}
	return s.fail(ctx, op, err)
}

// maxPageLimit caps page sizes so that the limit+1 rows a listing fetches
// cannot overflow.
const maxPageLimit = 1 << 30

// pageLimit validates a page request and returns its effective limit.
func pageLimit(page store.PageRequest) (int, error) {
	if page.Limit <= 0 {
		return 0, fmt.Errorf("sqlstore: page limit %d: must be positive", page.Limit)
	}
	return min(page.Limit, maxPageLimit), nil
}

// queryPage runs a listing on the read pool that fetches up to limit+1
// rows, scanning each with scan. It returns the first limit records and,
// when there were more, the cursor cursor makes of the last one returned
// ("" on the last page). Errors are wrapped with op.
func queryPage[T any](ctx context.Context, s *Store, op string, limit int, scan func(rowScanner) (T, error), cursor func(*T) string,
	query string, args ...any) ([]T, string, error) {
	rows, err := s.rQuery(ctx, query, args...)
	if err != nil {
		return nil, "", s.mapErr(ctx, op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, "", s.mapErr(ctx, op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.mapErr(ctx, op, err)
	}
	if len(out) > limit {
		out = out[:limit]
		return out, cursor(&out[len(out)-1]), nil
	}
	return out, "", nil
}

// millis converts a record time to its stored form.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis converts a stored time back, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// normTime returns t as it reads back after being stored.
func normTime(t time.Time) time.Time { return fromMillis(millis(t)) }

// blob returns b as stored: never nil, so that NOT NULL holds.
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// unblob returns stored bytes as handed out: nil when empty.
func unblob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// cloneBytes returns a copy of b (nil stays nil, empty becomes nil).
func cloneBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}
