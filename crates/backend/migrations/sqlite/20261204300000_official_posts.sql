-- Organisation posts composed in Ping (issue 13) and what became of each.
CREATE TABLE official_posts (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organization  TEXT NOT NULL,
    commentary    TEXT NOT NULL,
    visibility    TEXT NOT NULL,
    image_urn     TEXT,
    -- published, throttled, failed
    state         TEXT NOT NULL,
    post_urn      TEXT,
    message       TEXT,
    -- For a throttled post: not to be sent again before then.
    retry_after   INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE INDEX official_posts_user ON official_posts (user_id, created_at);
