-- A refreshed token keeps answering for a short grace period, and a refresh of it within that
-- period gets the same successor: the successor's id, and its token sealed with the old one
-- (only a holder of the old token can open it; cleared once the grace is over).
ALTER TABLE extension_tokens ADD COLUMN rotated_at BIGINT;
ALTER TABLE extension_tokens ADD COLUMN successor_id BIGINT;
ALTER TABLE extension_tokens ADD COLUMN successor_sealed TEXT;

-- Browsers that logged in before (only the hash of their cookie): the per-account login limit,
-- which strangers' wrong passwords fill, spares them, so the owner is not locked out.
CREATE TABLE login_devices (
    id_hash    TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_devices_expiry ON login_devices (expires_at);
