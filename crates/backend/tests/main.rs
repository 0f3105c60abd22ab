//! The backend's integration tests: router tests without sockets (`oneshot` on `app(state)`),
//! and the store contract suite (SQLite always, PostgreSQL when reachable).

// Helpers and fixtures here are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, reason = "test code")]

mod attachments;
mod avatars;
mod cli;
mod export;
mod extra_roots;
mod fixtures;
mod folders;
mod helpers;
mod import;
mod ingest_paths;
mod linkedin_api;
mod official_associations;
mod official_engagement;
mod official_helpers;
mod official_oauth;
mod official_posts;
mod official_reminder_mail;
mod official_store;
mod official_webhook;
mod openapi;
mod pages;
mod pairing;
mod profiles;
mod push;
mod runs;
mod security;
mod store_contract;
mod web;
