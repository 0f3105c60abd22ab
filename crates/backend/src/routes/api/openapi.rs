//! The OpenAPI 3.1 document, built from the same route list as the router.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::route_doc::{Access, RawBytes, RouteDoc, body};

fn security(access: Access) -> Value {
    match access {
        Access::Public => json!([]),
        Access::Extension => json!([{ "extensionToken": [] }]),
        Access::Session => json!([{ "webSession": [] }]),
        Access::Either => json!([{ "extensionToken": [] }, { "webSession": [] }]),
        Access::ApiKey => json!([{ "apiKey": [] }]),
    }
}

/// The `{name}` segments of a route path, as OpenAPI path parameters. Numeric ids are the
/// store's row ids, `index` an attachment's position; the others (sync requests, URNs) are
/// strings.
fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let schema = if path.starts_with("/pairing/tokens/") {
                json!({ "type": "integer", "format": "int64" })
            } else if name == "index" {
                // An attachment's position in its message's `attachments`.
                json!({ "type": "integer", "format": "uint32", "minimum": 0 })
            } else {
                json!({ "type": "string" })
            };
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect()
}

/// The schema of a body that is bytes.
fn bytes_schema() -> Value {
    json!({ "type": "string", "contentMediaType": "application/octet-stream" })
}

/// The document of these routes, served at `/api/v1/openapi.json`.
pub fn document<'a>(routes: impl IntoIterator<Item = &'a RouteDoc>) -> Value {
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; definitions go where the `$ref`s point.
    let mut generator = SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
        })
        .into_generator();
    let error = body::<ping_protocol::ApiError>(&mut generator);
    let mut paths = Map::new();
    for doc in routes {
        let mut responses = Map::new();
        let success = match doc.response {
            Some(schema) => json!({
                "description": "success",
                "content": { "application/json": { "schema": schema(&mut generator) } }
            }),
            None if doc.raw == Some(RawBytes::Response) => json!({
                "description": "the bytes, with their media type as `Content-Type`",
                "content": { "*/*": { "schema": bytes_schema() } }
            }),
            None => json!({ "description": "success" }),
        };
        responses.insert(doc.status.to_string(), success);
        if let Some((status, schema)) = doc.also {
            responses.insert(
                status.to_string(),
                json!({
                    "description": "success",
                    "content": { "application/json": { "schema": schema(&mut generator) } }
                }),
            );
        }
        responses.insert(
            "default".into(),
            json!({
                "description": "an error in LinkedIn's shape",
                "content": { "application/json": { "schema": error } }
            }),
        );
        let mut operation = json!({
            "summary": doc.summary,
            "security": security(doc.access),
            "responses": responses,
        });
        let parameters = path_parameters(doc.path);
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
        }
        if doc.raw == Some(RawBytes::Request) {
            operation["requestBody"] = json!({
                "required": true,
                "description": "the bytes, with their media type as `Content-Type`",
                "content": { "*/*": { "schema": bytes_schema() } }
            });
        }
        if let Some(schema) = doc.request {
            operation["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": schema(&mut generator) } }
            });
        }
        let path = format!("{}{}", ping_protocol::API_PREFIX, doc.path);
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[doc.method] = operation;
    }
    let schemas = generator.take_definitions(true);
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
                "webSession": { "type": "apiKey", "in": "cookie", "name": "ping_session" },
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key created in Settings → API keys (`ping_sk_…`); \
                                    it opens the /api/v1/linkedin/ routes only"
                }
            }
        }
    })
}
