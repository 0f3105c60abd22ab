-- Failed pairing attempts were the first rate-limited events; codes issued and failed logins
-- are counted in the same table now, so it is named for what it holds.
ALTER TABLE pairing_failures RENAME TO rate_limit_events;
DROP INDEX pairing_failures_scope;
CREATE INDEX rate_limit_events_scope ON rate_limit_events (scope_key, at);
