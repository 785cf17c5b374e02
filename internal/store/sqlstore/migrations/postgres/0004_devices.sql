-- Devices users confirmed (ConfirmDevice): their SRP verifier and salt for
-- DEVICE_SRP_AUTH, whether they are remembered, and a document of their
-- attributes. Deleting a user deletes its devices. Times are Unix
-- milliseconds (UTC).

CREATE TABLE devices (
    pool_id          TEXT COLLATE "C" NOT NULL,
    user_key         TEXT COLLATE "C" NOT NULL,
    key              TEXT COLLATE "C" NOT NULL,
    group_key        TEXT NOT NULL,
    verifier         BYTEA NOT NULL,
    salt             BYTEA NOT NULL,
    remembered       BOOLEAN NOT NULL,
    data             BYTEA NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    last_auth_at     BIGINT NOT NULL,
    last_modified_at BIGINT NOT NULL,
    CONSTRAINT devices_pkey PRIMARY KEY (pool_id, key),
    CONSTRAINT devices_user_fkey FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, key) ON DELETE CASCADE
);
CREATE INDEX devices_user ON devices (pool_id, user_key, key);
