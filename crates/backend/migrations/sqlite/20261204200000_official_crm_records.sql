-- Sales Navigator Profile Associations (issue 13): a contact's CRM Sync record (partner,
-- instance id, record id) and what LinkedIn last answered for it.
CREATE TABLE official_crm_records (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    contact_id   INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    partner      TEXT NOT NULL,
    instance_id  TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    -- pending, matched, no_match, missing_parameter, crm_sync_not_enabled, …
    state        TEXT NOT NULL,
    member       TEXT,
    profile_url  TEXT,
    photo_url    TEXT,
    -- LinkedIn's message for an error state.
    message      TEXT,
    -- Consecutive throttled checks, for the backoff.
    throttled    INTEGER NOT NULL DEFAULT 0,
    checked_at   INTEGER,
    -- Checked again from then on; NULL: only when the user asks.
    check_after  INTEGER,
    PRIMARY KEY (user_id, contact_id)
);
CREATE INDEX official_crm_records_due ON official_crm_records (user_id, check_after);
