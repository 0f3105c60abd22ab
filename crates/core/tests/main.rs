//! ping-core's integration tests, in one binary so the crate links once for all of them: golden
//! fixtures and profile pages, classification and request building, the query id registry,
//! Rest.li properties, and the opt-in run against the fake LinkedIn server.
//!
//! One module: `cargo test -p ping-core --test main golden::`.

mod fake_server;
mod golden;
mod interpret;
mod profile_pages;
mod query_ids;
mod request;
mod restli;
