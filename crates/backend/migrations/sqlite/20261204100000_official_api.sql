-- The official LinkedIn API (issue 13): each user's own LinkedIn app, its OAuth connection,
-- Lead Gen Forms. Secrets and tokens are sealed with PING_SECRETS_KEY (ChaCha20-Poly1305),
-- never stored in clear.
CREATE TABLE official_apps (
    user_id              INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    client_id            TEXT NOT NULL UNIQUE,
    client_secret_sealed TEXT NOT NULL,
    -- Space-separated, as asked at the authorization endpoint.
    scopes               TEXT NOT NULL,
    updated_at           INTEGER NOT NULL
);

-- The tokens of a connected app; dropped on disconnect.
CREATE TABLE official_connections (
    user_id               INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    access_token_sealed   TEXT NOT NULL,
    access_expires_at     INTEGER NOT NULL,
    refresh_token_sealed  TEXT,
    refresh_expires_at    INTEGER,
    granted_scopes        TEXT NOT NULL,
    connected_at          INTEGER NOT NULL,
    refreshed_at          INTEGER
);

-- The OAuth state of a consent in progress: single use, only its SHA-256 kept.
CREATE TABLE official_oauth_states (
    state_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL
);

-- Question id → CRM lead field, per lead form.
CREATE TABLE official_lead_forms (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    form_id      TEXT NOT NULL,
    mapping_json TEXT NOT NULL,
    PRIMARY KEY (user_id, form_id)
);

-- CRM leads from Lead Gen Forms: one per LinkedIn lead (the webhook may deliver twice).
CREATE TABLE official_leads (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    response_id   TEXT NOT NULL,
    form_id       TEXT NOT NULL,
    contact_id    INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    fields_json   TEXT NOT NULL,
    answers_json  TEXT NOT NULL,
    submitter     TEXT,
    test_lead     INTEGER NOT NULL,
    submitted_at  INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (user_id, response_id)
);

-- Every notification received and what became of it (stored, replay, unknown form…).
CREATE TABLE official_webhook_events (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    response_id  TEXT NOT NULL,
    form_id      TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    received_at  INTEGER NOT NULL
);
CREATE INDEX official_webhook_events_user ON official_webhook_events (user_id, received_at);
