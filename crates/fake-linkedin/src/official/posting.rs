//! Organisation posting (§2): `organizationAcls`, `images?action=initializeUpload`, the upload
//! `PUT` to the URL it names (same bearer token), and `posts` (201 + `x-restli-id`).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::rest::{access_denied, bearer_scopes};
use super::state::OfficialState;
use super::{api_error, json_response};
use crate::request::Req;
use crate::state::Shared;

const POST_SCOPE: &str = "w_organization_social";
/// Scopes that may read the member's Page roles (not settled by the reference).
const ACL_SCOPES: [&str; 3] = ["r_organization_admin", "rw_organization_admin", POST_SCOPE];

pub fn acls(official: &OfficialState, scopes: &[String]) -> Response {
    if !scopes
        .iter()
        .any(|scope| ACL_SCOPES.contains(&scope.as_str()))
    {
        return access_denied("organizationAcls.FINDER-roleAssignee");
    }
    let elements: Vec<Value> = official
        .organizations
        .iter()
        .map(|organization| {
            json!({"roleAssignee": "urn:li:person:Ab3dEf", "role": "ADMINISTRATOR",
                   "state": "APPROVED", "organization": organization})
        })
        .collect();
    let total = elements.len();
    json_response(
        StatusCode::OK,
        &json!({"elements": elements, "paging": {"start": 0, "count": 100, "total": total, "links": []}}),
    )
}

pub fn create(
    shared: &Shared,
    official: &mut OfficialState,
    req: &Req,
    path: &str,
    scopes: &[String],
) -> Response {
    if !scopes.iter().any(|scope| scope == POST_SCOPE) {
        return access_denied("posts.CREATE");
    }
    let Ok(body) = serde_json::from_str::<Value>(&req.body) else {
        return api_error(StatusCode::BAD_REQUEST, 0, "Malformed JSON body");
    };
    match (path, req.param("action").as_deref()) {
        ("/rest/images", Some("initializeUpload")) => initialize_upload(shared, official, &body),
        ("/rest/posts", None) => create_post(official, body),
        _ => api_error(StatusCode::NOT_FOUND, 0, "Not Found"),
    }
}

fn is_administered(official: &OfficialState, author: &Value) -> bool {
    author
        .as_str()
        .is_some_and(|author| official.organizations.iter().any(|org| org == author))
}

fn initialize_upload(shared: &Shared, official: &mut OfficialState, body: &Value) -> Response {
    let owner = &body["initializeUploadRequest"]["owner"];
    if !is_administered(official, owner) {
        return api_error(
            StatusCode::FORBIDDEN,
            100,
            "Not an administrator of the owner",
        );
    }
    let id = official.mint("");
    let image = format!("urn:li:image:D4E10AQ{id}");
    let path = format!("/dms-uploads/{id}");
    official.upload_targets.insert(path.clone(), image.clone());
    json_response(
        StatusCode::OK,
        &json!({"value": {"uploadUrlExpiresAt": 1_718_000_000_000_i64,
                          "uploadUrl": format!("{}{path}", shared.base_url), "image": image}}),
    )
}

fn create_post(official: &mut OfficialState, mut body: Value) -> Response {
    if !is_administered(official, &body["author"]) {
        return api_error(
            StatusCode::FORBIDDEN,
            100,
            "Not an administrator of the author",
        );
    }
    if let Some(media) = body["content"]["media"]["id"].as_str()
        && !official.images.contains_key(media)
    {
        return api_error(StatusCode::BAD_REQUEST, 0, "The image was not uploaded");
    }
    let id = format!("urn:li:share:71823734416840{}", official.mint(""));
    body["id"] = Value::from(id.clone());
    official.posts.push(body);
    let location = format!(
        "/posts/{}",
        percent_encoding::utf8_percent_encode(&id, percent_encoding::NON_ALPHANUMERIC)
    );
    (
        StatusCode::CREATED,
        [("x-restli-id", id), (header::LOCATION.as_str(), location)],
    )
        .into_response()
}

/// `PUT /dms-uploads/<n>`: the image's bytes, with the bearer token of the upload's request.
pub fn upload(shared: &Shared, req: &Req) -> Response {
    let mut official = shared.official.lock();
    if let Err((code, message)) = bearer_scopes(&official, req) {
        return api_error(StatusCode::UNAUTHORIZED, code, message);
    }
    let Some(image) = official.upload_targets.remove(&req.path) else {
        return api_error(StatusCode::NOT_FOUND, 0, "Unknown or used upload URL");
    };
    official.images.insert(image, req.body.len());
    StatusCode::CREATED.into_response()
}
