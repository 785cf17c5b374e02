-- Sign-in state: each pool's token signing keys, issued refresh tokens
-- (stored by the SHA-256 of their value, grouped in families whose id is the
-- origin_jti of the access and ID tokens derived from them) and the sessions
-- that carry a sign-in from one challenge to the next. Times are Unix
-- milliseconds (UTC).

CREATE TABLE signing_keys (
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    kid         TEXT COLLATE "C" NOT NULL,
    private_key BYTEA   NOT NULL,
    created_at  BIGINT NOT NULL,
    active      BOOLEAN NOT NULL,
    CONSTRAINT signing_keys_pkey PRIMARY KEY (pool_id, kid)
);

CREATE TABLE refresh_tokens (
    hash        BYTEA   NOT NULL,
    pool_id     TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id   TEXT COLLATE "C" NOT NULL,
    user_key    TEXT COLLATE "C" NOT NULL,
    family      TEXT COLLATE "C" NOT NULL,
    device_key  TEXT   NOT NULL,
    auth_time   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    replaced_at BIGINT,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (hash)
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (pool_id, family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (pool_id, user_key, device_key);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);

CREATE TABLE auth_sessions (
    hash       BYTEA   NOT NULL,
    pool_id    TEXT COLLATE "C" NOT NULL REFERENCES user_pools (id) ON DELETE CASCADE,
    client_id  TEXT COLLATE "C" NOT NULL,
    user_key   TEXT COLLATE "C" NOT NULL,
    challenge  TEXT   NOT NULL,
    data       BYTEA   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    CONSTRAINT auth_sessions_pkey PRIMARY KEY (hash)
);
CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);
