-- Sign-in state: each pool's token signing keys, issued refresh tokens
-- (stored by the SHA-256 of their value, grouped in families whose id is the
-- origin_jti of the access and ID tokens derived from them) and the sessions
-- that carry a sign-in from one challenge to the next. Times are Unix
-- milliseconds (UTC).

CREATE TABLE signing_keys (
    pool_id     TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    kid         TEXT NOT NULL,
    private_key BLOB   NOT NULL,
    created_at  INTEGER NOT NULL,
    active      INTEGER NOT NULL,
    CONSTRAINT signing_keys_pkey PRIMARY KEY (pool_id, kid)
);

CREATE TABLE refresh_tokens (
    hash        BLOB   NOT NULL,
    pool_id     TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL,
    user_key    TEXT NOT NULL,
    family      TEXT NOT NULL,
    device_key  TEXT   NOT NULL,
    auth_time   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    replaced_at INTEGER,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (hash)
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (pool_id, family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (pool_id, user_key, device_key);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);

CREATE TABLE auth_sessions (
    hash       BLOB   NOT NULL,
    pool_id    TEXT NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL,
    user_key   TEXT NOT NULL,
    challenge  TEXT   NOT NULL,
    data       BLOB   NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    CONSTRAINT auth_sessions_pkey PRIMARY KEY (hash)
);
CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);
