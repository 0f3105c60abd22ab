-- Keyset pages of a timeline: (delivered_at, id) older than a cursor, newest first, one
-- conversation at a time.
CREATE INDEX messages_conversation_keyset ON messages (conversation_id, delivered_at, id);
-- The web UI reads a conversation's newest shown message per contact (the contacts list and
-- its previews): a partial index of the messages that are not recalled answers it at once.
CREATE INDEX messages_conversation_shown ON messages (conversation_id, delivered_at, id)
    WHERE state <> 'recalled';
