-- Engagement sync (issue 13): comments and reactions on the organisation's posts, the job's
-- state per user, and what the background job remembers of a connection.
CREATE TABLE official_engagements (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- LinkedIn's comment or reaction id: each is recorded once.
    engagement_id  TEXT NOT NULL,
    -- comment, reaction
    kind           TEXT NOT NULL,
    post_urn       TEXT NOT NULL,
    -- urn:li:person:… (or an organisation) who commented or reacted.
    actor          TEXT NOT NULL,
    -- The contact whose Profile Association names the actor; NULL: not (yet) matched.
    contact_id     INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    -- The comment's text, or the reaction type (LIKE, PRAISE…).
    content        TEXT NOT NULL,
    occurred_at    INTEGER NOT NULL,
    recorded_at    INTEGER NOT NULL,
    UNIQUE (user_id, engagement_id)
);
CREATE INDEX official_engagements_contact ON official_engagements (user_id, contact_id);
CREATE INDEX official_engagements_post ON official_engagements (user_id, post_urn);
CREATE INDEX official_crm_records_member ON official_crm_records (user_id, member);

-- The engagement poll's last outcome per user: ok, missing_scope, missing_product, throttled,
-- failed; and when to poll again after a 429.
CREATE TABLE official_engagement_sync (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    state       TEXT NOT NULL,
    message     TEXT,
    throttled   INTEGER NOT NULL DEFAULT 0,
    polled_at   INTEGER NOT NULL,
    poll_after  INTEGER
);

-- Why LinkedIn refused to renew the token (invalid_grant…): the member must connect again.
ALTER TABLE official_connections ADD COLUMN refresh_failure TEXT;
-- The access token end an email reminder was sent for (never twice for one end).
ALTER TABLE official_connections ADD COLUMN reminded_for INTEGER;
