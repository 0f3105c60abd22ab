//! The fake's integration tests, one binary: each file is a module and `common` starts servers
//! and speaks Voyager to them; `native_sync` runs ping-core's sync against the fake (it is also
//! the benches' harness).

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used, reason = "test code")]

mod attachments;
mod auth;
mod binary;
mod common;
mod control;
mod conversations;
mod faults;
mod limiter;
mod media;
mod messages;
mod native_sync;
mod official_api;
mod pages;
mod planner_sync;
mod query_ids;
mod shapes;
mod tls;
