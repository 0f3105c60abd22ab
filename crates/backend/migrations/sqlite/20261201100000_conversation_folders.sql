-- Where each conversation sits in LinkedIn's messaging (ping_core::model::ConversationFolder):
-- 'inbox', 'other', 'archived' or 'spam'. Every push writes it; conversations stored before
-- take it from the categories of their stored record (spam first, then archive, then the other
-- tab), imported ones stay in the inbox.
ALTER TABLE conversations ADD COLUMN folder TEXT NOT NULL DEFAULT 'inbox';

UPDATE conversations SET folder = CASE
        WHEN EXISTS (SELECT 1 FROM json_each(record_json, '$.categories') WHERE value = 'SPAM')
            THEN 'spam'
        WHEN EXISTS (SELECT 1 FROM json_each(record_json, '$.categories') WHERE value = 'ARCHIVE')
            THEN 'archived'
        WHEN EXISTS (SELECT 1 FROM json_each(record_json, '$.categories')
                     WHERE value = 'SECONDARY_INBOX')
            THEN 'other'
        ELSE 'inbox'
    END
WHERE json_valid(record_json) AND json_type(record_json, '$.categories') = 'array';

-- The conversations list: newest activity first in keyset pages, of one folder or of all, and
-- the count per folder.
CREATE INDEX conversations_folder_keyset ON conversations (user_id, folder, last_activity_at, id)
    WHERE deleted_at IS NULL;
CREATE INDEX conversations_keyset ON conversations (user_id, last_activity_at, id)
    WHERE deleted_at IS NULL;
