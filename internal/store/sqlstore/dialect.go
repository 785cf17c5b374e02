package sqlstore

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds everything that differs between the SQL engines the store
// runs on. SQL text that differs is written per dialect; SQL that differs
// only in its placeholders is built with placeholder.
type dialect struct {
	// name is the engine name; it is also the migrations directory.
	name string
	// driver is the database/sql driver name.
	driver string
	// placeholder returns the n-th (1-based) bind parameter marker.
	placeholder func(n int) string
	// forUpdate is appended to a SELECT that reads a row a transaction is
	// about to rewrite. Empty where the transaction already holds the write
	// lock (SQLite begins every write transaction IMMEDIATE).
	forUpdate string
	// returningID is appended to an INSERT into messages to return the new
	// ID where the driver has no LastInsertId (PostgreSQL).
	returningID string
	// migrationLock is run first in every migration transaction to keep
	// concurrent migrators apart; empty where BEGIN already does so.
	migrationLock string
	// createMigrationsTable creates the schema_migrations table if absent.
	createMigrationsTable string
	// isUniqueViolation reports whether err is a unique or primary key
	// constraint violation.
	isUniqueViolation func(error) bool
	// isForeignKeyViolation reports whether err is a foreign key violation.
	isForeignKeyViolation func(error) bool
	// uniqueConstraint returns the name of the unique or primary key
	// constraint err violated, as the migrations name it, or "" when err is
	// no such violation or names none the store knows.
	uniqueConstraint func(error) string
	// isRetryable reports whether the transaction that failed with err may
	// succeed if run again (serialization failure, deadlock, lock timeout).
	isRetryable func(error) bool
}

// migrationLockKey is the pg_advisory_xact_lock key migrators take: the
// first eight bytes of "gognito!" read as a big-endian integer.
const migrationLockKey int64 = 0x676f676e69746f21

func sqliteDialect() *dialect {
	return &dialect{
		name:        "sqlite",
		driver:      "sqlite",
		placeholder: func(int) string { return "?" },
		createMigrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
) STRICT`,
		isUniqueViolation: func(err error) bool {
			code, ok := sqliteCode(err)
			return ok && (code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
		},
		isForeignKeyViolation: func(err error) bool {
			code, ok := sqliteCode(err)
			return ok && code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
		},
		uniqueConstraint: sqliteUniqueConstraint,
		isRetryable: func(err error) bool {
			// The store has a single writer connection, so SQLITE_BUSY can only
			// come from another process holding the lock past busy_timeout.
			code, ok := sqliteCode(err)
			return ok && (code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED)
		},
	}
}

func postgresDialect() *dialect {
	return &dialect{
		name:          "postgres",
		driver:        "pgx",
		placeholder:   func(n int) string { return "$" + strconv.Itoa(n) },
		forUpdate:     " FOR UPDATE",
		returningID:   " RETURNING id",
		migrationLock: "SELECT pg_advisory_xact_lock(" + strconv.FormatInt(migrationLockKey, 10) + ")",
		createMigrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT NOT NULL PRIMARY KEY,
    name       TEXT   NOT NULL,
    applied_at BIGINT NOT NULL
)`,
		isUniqueViolation: func(err error) bool {
			return pgCode(err) == "23505" // unique_violation
		},
		isForeignKeyViolation: func(err error) bool {
			return pgCode(err) == "23503" // foreign_key_violation
		},
		uniqueConstraint: func(err error) string {
			var e *pgconn.PgError
			if errors.As(err, &e) && e.Code == "23505" {
				return e.ConstraintName
			}
			return ""
		},
		isRetryable: func(err error) bool {
			switch pgCode(err) {
			case "40001", // serialization_failure
				"40P01", // deadlock_detected
				"55P03": // lock_not_available
				return true
			}
			return false
		},
	}
}

func sqliteCode(err error) (int, bool) {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Unique constraints the store maps to store.ConflictError fields; the
// migrations give them these names on both engines.
const (
	constraintUsersKey    = "users_pkey"
	constraintUsersSub    = "users_sub_key"
	constraintUserAliases = "user_aliases_pkey"
	constraintGroups      = "groups_pkey"
)

// sqliteUniqueColumns maps the column lists SQLite names in a unique
// violation ("UNIQUE constraint failed: users.pool_id, users.key") to the
// constraint names, which SQLite does not report.
var sqliteUniqueColumns = map[string]string{
	"users.pool_id, users.key":                 constraintUsersKey,
	"users.pool_id, users.sub":                 constraintUsersSub,
	"user_aliases.pool_id, user_aliases.alias": constraintUserAliases,
	"groups.pool_id, groups.name":              constraintGroups,
}

func sqliteUniqueConstraint(err error) string {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return ""
	}
	if c := e.Code(); c != sqlite3.SQLITE_CONSTRAINT_UNIQUE && c != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return ""
	}
	const marker = "UNIQUE constraint failed: "
	msg := e.Error()
	i := strings.Index(msg, marker)
	if i < 0 {
		return ""
	}
	cols := msg[i+len(marker):]
	if j := strings.Index(cols, " ("); j >= 0 {
		cols = cols[:j]
	}
	return sqliteUniqueColumns[strings.TrimSpace(cols)]
}
