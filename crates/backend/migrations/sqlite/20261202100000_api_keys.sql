-- API keys for other programs (the ConnectSafely-compatible API under /api/v1/linkedin/):
-- created and revoked by their user in Settings, shown once, only their SHA-256 kept.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    -- The key's first characters, for the user to tell keys apart; never enough to use one.
    prefix       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_keys_user ON api_keys (user_id, created_at);

-- The run that finished a sync request, so the API can answer with that run's counts.
ALTER TABLE sync_requests ADD COLUMN done_run INTEGER REFERENCES sync_runs(id) ON DELETE SET NULL;
