#![doc = include_str!("../README.md")]

mod attachment;
mod avatar;
pub mod backend;
#[cfg(feature = "bench")]
mod bench;
pub mod chrome;
mod convert;
mod error;
mod json;
pub mod pairing;
pub mod popup_state;
mod profile_parser;
mod query_ids;
mod service_worker;
mod store;
mod sync;
mod transport;

pub use error::WorkerError;
pub use service_worker::handle_message;
