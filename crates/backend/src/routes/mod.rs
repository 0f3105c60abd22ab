//! The HTTP surface: the JSON API under `/api/v1/` and the web UI.

pub mod api;
pub mod web;

use axum::Router;

use crate::state::AppState;

/// The whole application, ready to serve (or to `oneshot` in tests).
pub fn app(state: AppState) -> Router {
    Router::new()
        .nest(ping_protocol::API_PREFIX, api::router())
        .merge(web::router())
        .with_state(state)
}
