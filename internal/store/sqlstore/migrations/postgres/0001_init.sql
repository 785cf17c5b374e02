-- Initial schema: user pools and their app clients.
-- Times are Unix milliseconds (UTC); settings are opaque documents.
-- IDs use the "C" collation so that ORDER BY id is bytewise, matching Go's
-- string order and the SQLite backend whatever the database's locale.

CREATE TABLE user_pools (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    settings   BYTEA  NOT NULL
);

CREATE TABLE clients (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    secret     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    settings   BYTEA  NOT NULL
);

CREATE INDEX clients_pool_id_id ON clients (pool_id, id);
