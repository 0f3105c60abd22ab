//! How an API route is documented: who may call it, and the schemas of its bodies.

use schemars::{JsonSchema, Schema, SchemaGenerator};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No credentials (pairing codes, polling, claiming, this document).
    Public,
    /// The extension's bearer token.
    Extension,
    /// A logged-in web session (with `X-CSRF-Token` on writes).
    Session,
    /// Either of the two; both resolve to the owning user.
    Either,
    /// An API key of the user's, for other programs (`/linkedin/…` routes only).
    ApiKey,
}

/// The JSON Schema of a body type: a `$ref` into the document's components, which the
/// generator fills as it goes.
pub type BodySchema = fn(&mut SchemaGenerator) -> Schema;

/// The [`BodySchema`] of `T`. Routes name the Rust type, not a string, so a reshaped or renamed
/// type changes its documentation with it.
pub(super) fn body<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// Which body of a route is raw bytes, typed by `Content-Type`, rather than JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawBytes {
    Request,
    Response,
}

/// One route of the API, as documented in the OpenAPI document.
#[derive(Debug, Clone, Copy)]
pub struct RouteDoc {
    pub method: &'static str,
    /// Path below `/api/v1`, in OpenAPI form (`{id}`).
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
    /// Schema of the JSON request body, if any.
    pub request: Option<BodySchema>,
    /// Success status and the schema of its body, if any.
    pub status: u16,
    pub response: Option<BodySchema>,
    /// A second success status and the schema of its body (a 202 beside a 200).
    pub also: Option<(u16, BodySchema)>,
    /// A body that is bytes (an attachment's), not JSON.
    pub raw: Option<RawBytes>,
}

impl RouteDoc {
    /// This route with bytes as its request or its success body.
    pub(super) const fn raw(self, raw: RawBytes) -> Self {
        Self {
            raw: Some(raw),
            ..self
        }
    }

    /// This route with a second success answer.
    pub(super) const fn also(self, status: u16, response: BodySchema) -> Self {
        Self {
            also: Some((status, response)),
            ..self
        }
    }
}

pub(super) const fn doc(
    method: &'static str,
    path: &'static str,
    access: Access,
    request: Option<BodySchema>,
    status: u16,
    response: Option<BodySchema>,
    summary: &'static str,
) -> RouteDoc {
    RouteDoc {
        method,
        path,
        summary,
        access,
        request,
        status,
        response,
        also: None,
        raw: None,
    }
}
