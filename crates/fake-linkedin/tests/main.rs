//! The fake's integration tests, one binary: each file is a module and `common` starts servers
//! and speaks Voyager to them. `planner_sync.rs` is still a binary of its own.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used, reason = "test code")]

mod auth;
mod binary;
mod common;
mod control;
mod conversations;
mod faults;
mod limiter;
mod media;
mod messages;
mod pages;
mod shapes;
mod tls;
