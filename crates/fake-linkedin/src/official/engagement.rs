//! Engagement on the fake's posts (§4): `GET /rest/socialActions/{post}/comments` and
//! `GET /rest/reactions/(entity:{post})?q=entity`, paged by `start`/`count`, 403 without
//! `r_organization_social` or the Community Management product.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::rest::access_denied;
use super::state::OfficialState;
use super::{api_error, json_response};
use crate::request::Req;

/// Scopes that read comments and reactions (older and newer pages' names, §7).
const READ_SCOPES: [&str; 2] = ["r_organization_social", "r_organization_social_feed"];
/// When the first engagement happened; each next one a second later.
const FIRST_AT: i64 = 1_718_000_000_000;

/// A comment or reaction to add to a post (control route `engagement`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEngagement {
    pub actor: String,
    /// A comment's text; without it, a reaction.
    pub text: Option<String>,
    #[serde(default = "like")]
    pub reaction_type: String,
}

fn like() -> String {
    "LIKE".into()
}

/// Adds engagement to `post`; the ids of what was added.
pub fn add(official: &mut OfficialState, post: &str, added: Vec<NewEngagement>) -> Vec<String> {
    added
        .into_iter()
        .map(|one| {
            let id = official.mint("");
            let count = i64::try_from(official.comments.len() + official.reactions.len())
                .unwrap_or_default();
            let created = json!({"actor": one.actor, "time": FIRST_AT + count * 1000});
            match one.text {
                Some(text) => {
                    let activity = post.rsplit(':').next().unwrap_or(post);
                    let comment_urn = format!("urn:li:comment:(urn:li:activity:{activity},{id})");
                    official.comments.push(json!({
                        "id": id, "commentUrn": comment_urn, "actor": one.actor,
                        "object": post, "message": {"text": text}, "created": created,
                        "lastModified": created,
                    }));
                    comment_urn
                }
                None => {
                    // One reaction per member and post: a new one replaces the old.
                    let reaction = format!("urn:li:reaction:({},{post})", one.actor);
                    official
                        .reactions
                        .retain(|old| old["id"] != reaction.as_str());
                    official.reactions.push(json!({
                        "id": reaction, "reactionType": one.reaction_type, "root": post,
                        "created": created, "lastModified": created,
                    }));
                    reaction
                }
            }
        })
        .collect()
}

/// The answer to a comments or reactions read, or `None` for another path.
pub fn read(
    official: &OfficialState,
    req: &Req,
    path: &str,
    scopes: &[String],
) -> Option<Response> {
    let (post, resource, field) = if let Some(rest) = path.strip_prefix("/rest/socialActions/") {
        (
            rest.strip_suffix("/comments")?,
            "partnerApiSocialActions.GET_ALL",
            "object",
        )
    } else {
        let entity = path
            .strip_prefix("/rest/reactions/(entity:")?
            .strip_suffix(')')?;
        if req.param("q").as_deref() != Some("entity") {
            return Some(api_error(
                StatusCode::BAD_REQUEST,
                0,
                "q=entity is required",
            ));
        }
        (entity, "reactions.FINDER-entity", "root")
    };
    if !scopes
        .iter()
        .any(|scope| READ_SCOPES.contains(&scope.as_str()))
        || !official.app.community_management
    {
        return Some(access_denied(resource));
    }
    if !official.posts.iter().any(|known| known["id"] == post) {
        return Some(api_error(StatusCode::NOT_FOUND, 0, "Not Found"));
    }
    let list = if field == "object" {
        &official.comments
    } else {
        &official.reactions
    };
    let of_post: Vec<&Value> = list.iter().filter(|one| one[field] == post).collect();
    let number = |name: &str, default: usize| {
        req.param(name)
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    let (start, count) = (number("start", 0), number("count", 10).min(100));
    let page: Vec<&Value> = of_post.iter().skip(start).take(count).copied().collect();
    Some(json_response(
        StatusCode::OK,
        &json!({"elements": page,
                "paging": {"start": start, "count": count, "total": of_post.len(), "links": []}}),
    ))
}
