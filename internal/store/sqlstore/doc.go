// Package sqlstore owns Gognito's SQL storage backend, implementing store.Store on embedded SQLite or on PostgreSQL through database/sql.
package sqlstore
