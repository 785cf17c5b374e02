package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/store"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migration is one schema step: migrations/<dialect>/NNNN_name.sql.
type migration struct {
	version int64
	name    string
	sql     string
}

// loadMigrations returns dialect's migrations in version order.
func loadMigrations(dialectName string) ([]migration, error) {
	dir := path.Join("migrations", dialectName)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read migrations: %w", err)
	}
	var ms []migration
	seen := map[int64]string{}
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".sql")
		if !ok || e.IsDir() {
			continue
		}
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v <= 0 || name == "" {
			return nil, fmt.Errorf("sqlstore: migration file %s: want NNNN_name.sql", e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("sqlstore: migrations %s and %s share version %d", prev, e.Name(), v)
		}
		seen[v] = e.Name()
		text, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(text)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// Migrate applies the migrations the database has not recorded in
// schema_migrations yet, in version order, each in a transaction of its
// own together with its record. It is idempotent, and safe to run from
// several processes at once: on PostgreSQL every migration transaction
// first takes a transaction-scoped advisory lock, on SQLite BEGIN
// IMMEDIATE takes the database's write lock.
func (s *Store) Migrate(ctx context.Context) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	ms, err := loadMigrations(s.d.name)
	if err != nil {
		return err
	}
	for _, m := range ms {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if s.d.migrationLock != "" {
				if _, err := tx.ExecContext(ctx, s.d.migrationLock); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, s.d.createMigrationsTable); err != nil {
				return err
			}
			var applied int
			if err := tx.QueryRowContext(ctx, s.q.migrationApplied, m.version).Scan(&applied); err != nil {
				return err
			}
			if applied > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, s.q.recordMigration, m.version, m.name, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			// Not mapErr: a constraint violation here is a broken migration,
			// not a conflict the caller caused.
			return s.fail(ctx, fmt.Sprintf("migration %04d_%s", m.version, m.name), err)
		}
	}
	return nil
}
