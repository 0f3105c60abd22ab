//! The backend's integration tests: router tests without sockets (`oneshot` on `app(state)`),
//! and the store contract suite (SQLite always, PostgreSQL when reachable).

mod avatars;
mod fixtures;
mod helpers;
mod pairing;
mod profiles;
mod push;
mod runs;
mod store_contract;
mod web;
