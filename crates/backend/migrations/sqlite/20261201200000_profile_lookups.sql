-- A contact is held back from backfill once the extension reports its profile looked up, not
-- when a push answer names it: a contact named but not fetched is named again.
ALTER TABLE contacts RENAME COLUMN backfill_asked_at TO profile_looked_up_at;
