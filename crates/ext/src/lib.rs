//! The wasm glue of the Ping LinkedIn extension's service worker.
//!
//! Thin by design: typed `chrome.*` bindings ([`chrome`]), the two Voyager transports
//! ([`transport`]), the backend client ([`backend`]), and the loop that carries out
//! `ping_core::sync::Planner`'s actions ([`sync`]). Decisions live in ping-core; the few pure
//! helpers here ([`popup_state`], [`backend::classify_error`], [`pairing::needs_refresh`]) are
//! tested natively with `cargo test -p ping-ext`.
//!
//! The only export is [`service_worker::handle_message`], called by `extension/sw.js`.

mod avatar;
pub mod backend;
#[cfg(feature = "bench")]
mod bench;
pub mod chrome;
mod convert;
mod error;
pub mod pairing;
pub mod popup_state;
mod service_worker;
mod store;
mod sync;
mod transport;

pub use error::WorkerError;
pub use service_worker::handle_message;
