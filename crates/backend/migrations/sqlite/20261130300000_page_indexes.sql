-- The web UI reads a conversation's newest shown message per contact (the contacts list and
-- its previews): a partial index of the messages that are not recalled answers it with one
-- backward step, without reading rows. Keyset pages of a timeline use messages_conversation,
-- whose entries end with the rowid (the id).
CREATE INDEX messages_conversation_shown ON messages (conversation_id, delivered_at)
    WHERE state <> 'recalled';
