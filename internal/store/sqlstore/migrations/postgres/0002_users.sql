-- Users, their alias keys, groups and memberships, and the development inbox.
-- Times are Unix milliseconds (UTC); data is an opaque document.
--
-- users.attributes is the JSON text of the user's [{"Name","Value"}] list in
-- order and users.aliases the JSON text of its alias keys; a user reads back
-- from its row alone. user_aliases only enforces that an alias key belongs to
-- one user of the pool and finds that user. The columns email ...
-- preferred_username copy the attributes of the same name (NULL when absent)
-- so that ListUsers filters answer from an index in keyset order.
--
-- Keys, names and filtered columns use the "C" collation: ordering and
-- prefix ranges are bytewise, as in Go and on SQLite.
--
-- Constraint names matter: the store reports a violated uniqueness rule from
-- them.

CREATE TABLE users (
    pool_id            TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    key                TEXT COLLATE "C" NOT NULL,
    username           TEXT    NOT NULL,
    sub                TEXT COLLATE "C" NOT NULL,
    status             TEXT COLLATE "C" NOT NULL,
    enabled            BOOLEAN NOT NULL,
    attributes         TEXT    NOT NULL,
    aliases            TEXT    NOT NULL,
    data               BYTEA   NOT NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    email              TEXT COLLATE "C",
    phone_number       TEXT COLLATE "C",
    name               TEXT COLLATE "C",
    given_name         TEXT COLLATE "C",
    family_name        TEXT COLLATE "C",
    preferred_username TEXT COLLATE "C",
    CONSTRAINT users_pkey PRIMARY KEY (pool_id, key),
    -- Also the index of the sub filter: sub is unique, so (sub) order is
    -- (sub, key) order.
    CONSTRAINT users_sub_key UNIQUE (pool_id, sub)
);

-- Attribute filters. Partial: a filter never matches a user without the
-- attribute, and absent attributes cost no index entry.
CREATE INDEX users_email              ON users (pool_id, email, key)              WHERE email IS NOT NULL;
CREATE INDEX users_phone_number       ON users (pool_id, phone_number, key)       WHERE phone_number IS NOT NULL;
CREATE INDEX users_name               ON users (pool_id, name, key)               WHERE name IS NOT NULL;
CREATE INDEX users_given_name         ON users (pool_id, given_name, key)         WHERE given_name IS NOT NULL;
CREATE INDEX users_family_name        ON users (pool_id, family_name, key)        WHERE family_name IS NOT NULL;
CREATE INDEX users_preferred_username ON users (pool_id, preferred_username, key) WHERE preferred_username IS NOT NULL;
CREATE INDEX users_status             ON users (pool_id, status, key);
CREATE INDEX users_enabled            ON users (pool_id, enabled, key);

CREATE TABLE user_aliases (
    pool_id  TEXT COLLATE "C" NOT NULL,
    alias    TEXT COLLATE "C" NOT NULL,
    user_key TEXT COLLATE "C" NOT NULL,
    CONSTRAINT user_aliases_pkey PRIMARY KEY (pool_id, alias),
    CONSTRAINT user_aliases_user_fkey FOREIGN KEY (pool_id, user_key)
        REFERENCES users (pool_id, key) ON DELETE CASCADE
);

CREATE INDEX user_aliases_user ON user_aliases (pool_id, user_key);

CREATE TABLE groups (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    description TEXT    NOT NULL,
    role_arn    TEXT    NOT NULL,
    precedence  INTEGER,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    CONSTRAINT groups_pkey PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id    TEXT COLLATE "C" NOT NULL,
    group_name TEXT COLLATE "C" NOT NULL,
    user_key   TEXT COLLATE "C" NOT NULL,
    CONSTRAINT group_members_pkey PRIMARY KEY (pool_id, group_name, user_key),
    CONSTRAINT group_members_group_fkey FOREIGN KEY (pool_id, group_name)
        REFERENCES groups (pool_id, name) ON DELETE CASCADE,
    CONSTRAINT group_members_user_fkey FOREIGN KEY (pool_id, user_key)
        REFERENCES users (pool_id, key) ON DELETE CASCADE
);

CREATE INDEX group_members_user ON group_members (pool_id, user_key, group_name);

-- The inbox has no foreign key: it outlives deleted pools and users.
CREATE TABLE messages (
    id          BIGSERIAL PRIMARY KEY,
    pool_id     TEXT COLLATE "C" NOT NULL,
    username    TEXT COLLATE "C" NOT NULL,
    channel     TEXT   NOT NULL,
    destination TEXT COLLATE "C" NOT NULL,
    subject     TEXT   NOT NULL,
    body        TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX messages_pool          ON messages (pool_id, id);
CREATE INDEX messages_pool_username ON messages (pool_id, username, id);
CREATE INDEX messages_destination   ON messages (destination, id);
