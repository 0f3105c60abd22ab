-- Attachment bytes (issue 11). Attachments stay described in messages.extras_json; this table
-- keeps, per attachment of a message with media, whether its bytes are wanted, stored (by
-- SHA-256 in the object store) or skipped, and when the extension was last asked for them.
-- Rows are catalogued from extras_json when the backend next answers a push, so messages
-- stored before this migration are covered without touching the ingest path.
CREATE TABLE message_attachments (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    attachment_index INTEGER NOT NULL,
    -- The attachment's kind (file, image, video, audio, …), so a push answer can name only
    -- the kinds the extension downloads.
    kind        TEXT NOT NULL,
    -- 'wanted', 'stored', 'skipped', or 'unfetchable' (a kind or a missing URL the browser
    -- cannot download): catalogued anyway, so the message is not read again.
    state       TEXT NOT NULL,
    asked_at    INTEGER,
    name        TEXT,
    sha256      TEXT,
    media_type  TEXT,
    byte_size   BIGINT,
    skip_json   TEXT,
    updated_at  INTEGER NOT NULL,
    UNIQUE (message_id, attachment_index)
);
CREATE INDEX message_attachments_by_state ON message_attachments (user_id, state);
CREATE INDEX message_attachments_by_hash ON message_attachments (user_id, sha256);

-- Only messages with an attachment URL enter this index, so cataloguing reads those alone.
CREATE INDEX messages_with_media ON messages (user_id) WHERE extras_json LIKE '%"url":"%';
