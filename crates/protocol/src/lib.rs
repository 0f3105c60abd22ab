//! The wire types of Ping LinkedIn Sync.
//!
//! - [`api`]: the backend's JSON API under `/api/v1/`, used by the extension.
//! - [`worker`]: messages between the popup, the content script and the service worker.
//!
//! Every type serializes in camelCase. Changing one changes a snapshot in `tests/`, so wire
//! changes show in review.

#![warn(missing_docs)]

pub mod api;
mod flat;
pub mod worker;

pub use api::*;
