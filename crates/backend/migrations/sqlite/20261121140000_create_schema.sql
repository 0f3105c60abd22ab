-- The whole schema, SQLite dialect. Times are milliseconds since the Unix epoch (UTC).
-- Forward-only: never edit a migration once merged; add a new one.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE pairing_codes (
    code             TEXT PRIMARY KEY,
    direction        TEXT NOT NULL,
    user_id          INTEGER REFERENCES users(id) ON DELETE CASCADE,
    client_name      TEXT NOT NULL,
    poll_secret_hash TEXT,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    paired_at        INTEGER,
    consumed_at      INTEGER
);

CREATE TABLE pairing_failures (
    id        INTEGER PRIMARY KEY,
    scope_key TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX pairing_failures_scope ON pairing_failures (scope_key, at);

CREATE TABLE extension_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    client_name  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER,
    revoked_at   INTEGER
);

CREATE TABLE linkedin_accounts (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    profile_urn       TEXT NOT NULL,
    name              TEXT NOT NULL,
    headline          TEXT,
    public_identifier TEXT,
    updated_at        INTEGER NOT NULL,
    UNIQUE (user_id, profile_urn)
);

CREATE TABLE contacts (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind                TEXT NOT NULL,
    urn                 TEXT,
    public_identifier   TEXT,
    first_name          TEXT,
    last_name           TEXT,
    display_name        TEXT NOT NULL,
    headline            TEXT,
    title               TEXT,
    company             TEXT,
    location            TEXT,
    notes               TEXT,
    profile_url         TEXT,
    user_edited         INTEGER NOT NULL DEFAULT 0,
    avatar_hash         TEXT,
    avatar_url          TEXT,
    avatar_asset_id     TEXT,
    avatar_state        TEXT NOT NULL DEFAULT 'none',
    avatar_asked_at     INTEGER,
    backfill_asked_at   INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (user_id, urn)
);
CREATE INDEX contacts_public_identifier ON contacts (user_id, public_identifier);

CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_id       INTEGER NOT NULL REFERENCES linkedin_accounts(id) ON DELETE CASCADE,
    urn              TEXT NOT NULL,
    kind             TEXT NOT NULL,
    group_chat       INTEGER NOT NULL,
    title            TEXT,
    record_json      TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    last_activity_at INTEGER NOT NULL,
    deleted_at       INTEGER,
    updated_at       INTEGER NOT NULL,
    UNIQUE (user_id, urn)
);

CREATE TABLE conversation_participants (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    contact_id      INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, contact_id)
);
CREATE INDEX conversation_participants_contact ON conversation_participants (contact_id);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    conversation_id   INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    urn               TEXT NOT NULL,
    sender_urn        TEXT,
    sender_contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    direction         TEXT NOT NULL,
    delivered_at      INTEGER NOT NULL,
    subject           TEXT,
    body              TEXT NOT NULL,
    state             TEXT NOT NULL,
    extras_json       TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (user_id, urn)
);
CREATE INDEX messages_conversation ON messages (conversation_id, delivered_at);

CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='id');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;

CREATE TABLE avatars (
    hash         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE avatar_jobs (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    expires_at INTEGER,
    state      TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    claimed_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX avatar_jobs_state ON avatar_jobs (state, id);

CREATE TABLE sync_runs (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_urn  TEXT,
    run_id       TEXT NOT NULL,
    finished_at  INTEGER NOT NULL,
    report_json  TEXT NOT NULL,
    received_at  INTEGER NOT NULL
);
CREATE INDEX sync_runs_user ON sync_runs (user_id, finished_at);

CREATE TABLE sync_requests (
    id           TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_urn  TEXT NOT NULL,
    force        INTEGER NOT NULL,
    state        TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    delivered_at INTEGER,
    done_at      INTEGER
);
CREATE INDEX sync_requests_user ON sync_requests (user_id, account_urn, state);
