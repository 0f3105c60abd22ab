-- Imports of LinkedIn's own data export (issue 15).
--
-- An imported conversation keeps the export's CONVERSATION ID (the thread part `2-…` of the live
-- URN) so the live sync can find it, and the time up to which the export covers its history.
ALTER TABLE conversations ADD COLUMN thread_id TEXT;
ALTER TABLE conversations ADD COLUMN history_complete_until BIGINT;
CREATE INDEX conversations_thread ON conversations (user_id, thread_id);

-- What Connections.csv adds to a contact.
ALTER TABLE contacts ADD COLUMN email TEXT;
ALTER TABLE contacts ADD COLUMN connected_at BIGINT;

-- An export imported before the extension synced its account: its conversations wait under a
-- stand-in account (profile_urn `export:<owner slug>`) that the first live push of the real
-- account takes over. Stand-ins are not listed as LinkedIn accounts.
ALTER TABLE linkedin_accounts ADD COLUMN imported_only BIGINT NOT NULL DEFAULT 0;

-- Every import run, for the web UI's history and summaries.
CREATE TABLE imports (
    id           TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    state        TEXT NOT NULL,
    summary_json TEXT,
    error        TEXT,
    started_at   BIGINT NOT NULL,
    finished_at  BIGINT
);
CREATE INDEX imports_user ON imports (user_id, started_at);
