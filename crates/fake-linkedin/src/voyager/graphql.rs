//! `/voyager/api/voyagerMessagingGraphQL/graphql`: query ids, `variables` and the envelope.

use axum::http::StatusCode;
use axum::response::Response;
use ping_core::ids::QueryId;
use serde_json::{Value, json};

use super::envelope::{Refusal, json_response};
use super::json::recipe;
use super::{conversations, messages, restli};
use crate::config::RotationAnswer;
use crate::request::Req;
use crate::state::Shared;

fn error_body(status: StatusCode, message: &str) -> Value {
    json!({"status": status.as_u16(), "message": message})
}

fn graphql_errors(message: &str) -> Value {
    json!({"errors": [{"message": message}]})
}

/// Answers one messaging GraphQL request.
pub fn handle(shared: &Shared, req: &Req) -> Response {
    let json_type = if req.accepts("application/graphql") {
        "application/graphql; charset=utf-8"
    } else {
        "application/json; charset=utf-8"
    };
    let refuse = |refusal: Refusal| match refusal {
        Refusal::Status(status, message) => {
            json_response(status, "application/json", &error_body(status, &message))
        }
        Refusal::Validation(message) => {
            json_response(StatusCode::OK, json_type, &graphql_errors(&message))
        }
    };
    let raw_id = req.param("queryId").unwrap_or_default();
    let Ok(query_id) = QueryId::parse(&raw_id) else {
        return refuse(Refusal::Status(
            StatusCode::BAD_REQUEST,
            format!("bad queryId {raw_id:?}"),
        ));
    };
    if !shared.query_ids.lock().is_live(&query_id) {
        let message = format!("PersistedQueryNotFound: {query_id}");
        return match shared.tuning.read().rotation_answer {
            RotationAnswer::BadRequest => refuse(Refusal::Status(StatusCode::BAD_REQUEST, message)),
            RotationAnswer::GraphqlErrors => refuse(Refusal::Validation(message)),
        };
    }
    let Some(raw_variables) = req.raw_param("variables") else {
        return refuse(Refusal::Validation(
            "Variable 'variables' is required".to_owned(),
        ));
    };
    let variables = match restli::parse(raw_variables) {
        Ok(v) => v,
        Err(reason) => return refuse(Refusal::Status(StatusCode::BAD_REQUEST, reason)),
    };
    let mismatch = shared
        .query_ids
        .lock()
        .variant_mismatch(&query_id, &variables.keys());
    if let Some(message) = mismatch {
        return refuse(Refusal::Validation(message));
    }
    let answer = match query_id.name() {
        "messengerConversations" => conversations::answer(shared, &variables),
        "messengerMessages" => messages::answer(shared, &variables),
        _ => Err(Refusal::Status(
            StatusCode::BAD_REQUEST,
            format!("unknown query {query_id}"),
        )),
    };
    match answer {
        Ok((field, collection)) => {
            let mut data = json!({"_type": recipe("data"), "_recipeType": recipe("data")});
            data[field] = collection;
            json_response(StatusCode::OK, json_type, &json!({"data": data}))
        }
        Err(refusal) => refuse(refusal),
    }
}
