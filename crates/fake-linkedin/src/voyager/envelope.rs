//! The answer shapes the Voyager resources share: a JSON body with its content type, the
//! `CollectionResponse` a messaging variant fills, and how a variant refuses. They sit apart
//! from `graphql.rs` so that the variants (`conversations.rs`, `messages.rs`) and the router
//! that calls them do not import each other.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::json::recipe;

/// Why a variant could not answer.
pub enum Refusal {
    /// An HTTP error with `{"status":…, "message":…}`.
    Status(StatusCode, String),
    /// HTTP 200 with GraphQL `errors` (wrong variables for this query).
    Validation(String),
}

/// The name of the variant field under `data` and its value.
pub type Answer = Result<(&'static str, Value), Refusal>;

/// A JSON answer with a content type.
pub fn json_response(status: StatusCode, content_type: &'static str, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, content_type)],
        body.to_string(),
    )
        .into_response()
}

/// A `CollectionResponse` with elements and metadata (`None`: no metadata key).
pub fn collection(elements: Vec<Value>, metadata: Option<Value>) -> Value {
    let mut value = json!({"_type": "com.linkedin.restli.common.CollectionResponse",
                           "_recipeType": recipe("CollectionResponse"), "elements": elements});
    if let Some(metadata) = metadata {
        value["metadata"] = metadata;
    }
    value
}
