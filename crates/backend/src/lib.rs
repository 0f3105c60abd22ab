//! The Ping companion backend: the API the extension talks to, a small server-rendered web UI,
//! a background avatar downloader, and the store (SQLite by default, PostgreSQL optionally).

pub mod attachments;
pub mod auth;
pub mod avatars;
pub mod backfill;
pub mod clock;
pub mod error;
pub mod export;
pub mod ids;
pub mod import;
pub mod ingest;
pub mod official;
pub mod pairing;
pub mod rate_limit;
pub mod routes;
pub mod secrets;
pub mod settings;
pub mod state;
pub mod store;
pub mod templates;

pub use routes::app;
pub use state::{AppConfig, AppState};
pub mod server;
