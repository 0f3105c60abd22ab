//! The OpenAPI 3.1 document, built from the same route list as the router.

use axum::Json;
use serde_json::{Map, Value, json};

use super::{Access, routes};

const SCHEMAS: [&str; 18] = [
    "PairingCodeRequest",
    "PairingCodeResponse",
    "PairingPollRequest",
    "PairingPollResponse",
    "PairRequest",
    "ClaimRequest",
    "ExtensionToken",
    "PushBatch",
    "PushResponse",
    "ProfilesPush",
    "ProfilesResponse",
    "AvatarUpload",
    "RunReport",
    "SyncStatus",
    "SyncRequestCreate",
    "SyncRequest",
    "HelloRequest",
    "HelloResponse",
];

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn security(access: Access) -> Value {
    match access {
        Access::Public => json!([]),
        Access::Extension => json!([{ "extensionToken": [] }]),
        Access::Session => json!([{ "webSession": [] }]),
        Access::Either => json!([{ "extensionToken": [] }, { "webSession": [] }]),
    }
}

/// The document served at `/api/v1/openapi.json`.
pub fn openapi_document() -> Value {
    let mut paths = Map::new();
    for (doc, _) in routes() {
        let mut responses = Map::new();
        let success = match doc.response {
            Some(name) => json!({
                "description": "success",
                "content": { "application/json": { "schema": schema_ref(name) } }
            }),
            None => json!({ "description": "success" }),
        };
        responses.insert(doc.status.to_string(), success);
        responses.insert(
            "default".into(),
            json!({
                "description": "an error in LinkedIn's shape",
                "content": { "application/json": { "schema": schema_ref("ApiError") } }
            }),
        );
        let mut operation = json!({
            "summary": doc.summary,
            "security": security(doc.access),
            "responses": responses,
        });
        if let Some(name) = doc.request {
            operation["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": schema_ref(name) } }
            });
        }
        let path = format!("{}{}", ping_protocol::API_PREFIX, doc.path);
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[doc.method] = operation;
    }
    let mut schemas = Map::new();
    for name in SCHEMAS {
        schemas.insert(
            (*name).to_owned(),
            json!({
                "type": "object",
                "description": format!("`ping_protocol::{name}`, camelCase JSON")
            }),
        );
    }
    schemas.insert(
        "ApiError".into(),
        json!({
            "type": "object",
            "required": ["message", "status", "serviceErrorCode"],
            "properties": {
                "message": { "type": "string" },
                "status": { "type": "integer" },
                "serviceErrorCode": {
                    "type": "string",
                    "enum": [
                        "TOKEN_EXPIRED", "TOKEN_REVOKED", "TOKEN_INVALID", "PAIRING_CODE_UNKNOWN",
                        "PAIRING_CODE_EXPIRED", "RATE_LIMITED", "INVALID_REQUEST",
                        "UNAUTHENTICATED", "NOT_FOUND", "AVATAR_REFUSED", "INTERNAL"
                    ]
                }
            }
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Ping companion backend",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The API the Ping LinkedIn extension talks to. Errors use LinkedIn's \
                            shape {message, status, serviceErrorCode}."
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "extensionToken": { "type": "http", "scheme": "bearer" },
                "webSession": { "type": "apiKey", "in": "cookie", "name": "ping_session" }
            }
        }
    })
}

pub async fn serve() -> Json<Value> {
    Json(openapi_document())
}
