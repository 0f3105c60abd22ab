//! The HTTP surface: the JSON API under `/api/v1/` and the web UI.

pub mod api;
pub mod web;

use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::StoreError;

/// The whole application, ready to serve (or to `oneshot` in tests).
pub fn app(state: AppState) -> Router {
    Router::new()
        .nest(ping_protocol::API_PREFIX, api::router())
        .merge(web::router())
        .with_state(state)
}

/// A store failure is the backend's own: the client gets a 500, the detail goes to the log.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::Internal(error.to_string())
    }
}
