-- Devices users confirmed (ConfirmDevice): their SRP verifier and salt for
-- DEVICE_SRP_AUTH, whether they are remembered, and a document of their
-- attributes. Deleting a user deletes its devices. Times are Unix
-- milliseconds (UTC).

CREATE TABLE devices (
    pool_id          TEXT NOT NULL,
    user_key         TEXT NOT NULL,
    key              TEXT NOT NULL,
    group_key        TEXT NOT NULL,
    verifier         BLOB NOT NULL,
    salt             BLOB NOT NULL,
    remembered       INTEGER NOT NULL,
    data             BLOB NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    last_auth_at     INTEGER NOT NULL,
    last_modified_at INTEGER NOT NULL,
    CONSTRAINT devices_pkey PRIMARY KEY (pool_id, key),
    CONSTRAINT devices_user_fkey FOREIGN KEY (pool_id, user_key) REFERENCES users (pool_id, key) ON DELETE CASCADE
);
CREATE INDEX devices_user ON devices (pool_id, user_key, key);
