//! Pure logic of Ping LinkedIn Sync.
//!
//! Nothing here reads the clock, the network or storage: time comes in as `now`, answers come
//! in as values. That is why the same code runs natively in tests and as wasm in the extension.

#![warn(missing_docs)]

mod entity;
pub mod ids;
pub mod media;
pub mod model;
pub mod profile_page;
pub mod restli;
pub mod sorted;
pub mod sync;
pub mod voyager;
