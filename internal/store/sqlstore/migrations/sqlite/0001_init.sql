-- Initial schema: user pools and their app clients.
-- Times are Unix milliseconds (UTC); settings are opaque documents.

CREATE TABLE user_pools (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    settings   BLOB    NOT NULL
) STRICT;

CREATE TABLE clients (
    id         TEXT    NOT NULL PRIMARY KEY,
    pool_id    TEXT    NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    settings   BLOB    NOT NULL
) STRICT;

CREATE INDEX clients_pool_id_id ON clients (pool_id, id);
