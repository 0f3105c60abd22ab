//! The HTTP surface: the JSON API under `/api/v1/` and the web UI.

pub mod api;
mod attachment_bytes;
mod guard;
pub mod web;

use axum::Router;
use axum::middleware::from_fn_with_state;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::StoreError;

/// The whole application, ready to serve (or to `oneshot` in tests): every answer carries the
/// security headers, and a request for another host is refused before any route.
pub fn app(state: AppState) -> Router {
    let [csp, frames, sniffing, referrer] = guard::security_headers();
    Router::new()
        .nest(ping_protocol::API_PREFIX, api::router())
        .merge(web::router())
        .layer(from_fn_with_state(state.clone(), guard::check_host))
        .layer(csp)
        .layer(frames)
        .layer(sniffing)
        .layer(referrer)
        .with_state(state)
}

/// A store failure is the backend's own (a 500, the detail in the log), unless the database
/// refused the data itself: then it is the request's, and retrying it would fail the same way.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error.refusal() {
            Some(reason) => Self::DataRefused(reason),
            None => Self::Internal(error.to_string()),
        }
    }
}
