//! Control routes of the official API's fake, under `/__fake/official/`.
//!
//! | request | effect / answer |
//! |---|---|
//! | `POST /__fake/official/app` `{"clientId"?, "clientSecret"?, "refreshTokens"?, "grantedScopes"?, "mdpAccess"?, "communityManagement"?}` | changes the developer app (default `fake-client-id` / `fake-client-secret`, refresh tokens on, grants what is asked, no MDP access, Community Management on) |
//! | `POST /__fake/official/faults` `{"status": 429, "times"?: 1}` | the next REST calls answer that status in the common error body (429 without `Retry-After`) |
//! | `POST /__fake/official/expire-tokens` | every access token issued so far answers 401 `Expired access token` |
//! | `POST /__fake/official/revoke-refresh-tokens` | every refresh token issued so far answers 400 `invalid_grant` |
//! | `POST /__fake/official/engagement` `{"post"?: urn, "comments"?: [{"actor", "text"}], "reactions"?: [{"actor", "reactionType"?: "LIKE"}]}` | adds comments and reactions to a post (default: the latest one created) and answers their ids `{"post", "ids"}` |
//! | `POST /__fake/official/leads` `{"answers": {"1": "Ada"}, "formId"?: 4311, "responseId"?, "action"?: "CREATED", "submitter"?, "testLead"?, "signing"?: "prefixedBody"\|"prefixedHex"\|"bareHex", "deliverTo"?: url}` | stores a lead form response and answers `{"responseId", "notification", "signature"}`: the Lead Sync notification's body and its `X-LI-Signature` under the app's secret; with `deliverTo` it is also POSTed there (`"delivered": status`) |
//! | `POST /__fake/official/associations` `{"key": "(partner:MS,instanceId:…,recordId:…)", "status"?: 200, "serviceErrorCode"?, "message"?, "body"?}` | what `GET /v2/salesNavigatorProfileAssociations/<key>` answers |
//! | `GET /__fake/official/state` | `{"codes", "tokens", "refreshTokens", "leads", "comments", "reactions"}` counts, `"images"` (uploaded image URN → bytes received) and `"posts"` (as created, with their `id`) |

use axum::http::{Method, StatusCode};
use axum::response::Response;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use super::engagement::{self, NewEngagement};
use super::state::AssociationAnswer;
use super::{api_error, json_response};
use crate::request::Req;
use crate::state::Shared;

pub async fn handle(shared: &Shared, req: &Req, route: &str) -> Response {
    let answer = match (&req.method, route) {
        (&Method::POST, "app") => parse(req).map(|change| configure_app(shared, change)),
        (&Method::POST, "faults") => parse(req).map(|faults| queue_faults(shared, faults)),
        (&Method::POST, "expire-tokens") => Ok(expire_tokens(shared)),
        (&Method::POST, "revoke-refresh-tokens") => Ok(revoke_refresh_tokens(shared)),
        (&Method::POST, "engagement") => parse(req).and_then(|added| add_engagement(shared, added)),
        (&Method::POST, "leads") => match parse(req) {
            Ok(lead) => Ok(create_lead(shared, lead).await),
            Err(error) => Err(error),
        },
        (&Method::POST, "associations") => parse(req).map(|set| set_association(shared, set)),
        (&Method::GET, "state") => Ok(state(shared)),
        _ => Err("no such control route".to_owned()),
    };
    match answer {
        Ok(body) => json_response(StatusCode::OK, &body),
        Err(message) => api_error(StatusCode::BAD_REQUEST, 0, &message),
    }
}

fn parse<T: serde::de::DeserializeOwned>(req: &Req) -> Result<T, String> {
    serde_json::from_str(&req.body).map_err(|error| error.to_string())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppChange {
    client_id: Option<String>,
    client_secret: Option<String>,
    refresh_tokens: Option<bool>,
    granted_scopes: Option<Vec<String>>,
    mdp_access: Option<bool>,
    community_management: Option<bool>,
}

fn configure_app(shared: &Shared, change: AppChange) -> Value {
    let mut official = shared.official.lock();
    let app = &mut official.app;
    if let Some(client_id) = change.client_id {
        app.client_id = client_id;
    }
    if let Some(client_secret) = change.client_secret {
        app.client_secret = client_secret;
    }
    if let Some(refresh_tokens) = change.refresh_tokens {
        app.refresh_tokens = refresh_tokens;
    }
    if change.granted_scopes.is_some() {
        app.granted_scopes = change.granted_scopes;
    }
    if let Some(mdp_access) = change.mdp_access {
        app.mdp_access = mdp_access;
    }
    if let Some(community_management) = change.community_management {
        app.community_management = community_management;
    }
    json!({"clientId": app.client_id, "refreshTokens": app.refresh_tokens,
           "grantedScopes": app.granted_scopes, "mdpAccess": app.mdp_access,
           "communityManagement": app.community_management})
}

#[derive(Deserialize)]
struct Faults {
    status: u16,
    times: Option<usize>,
}

fn queue_faults(shared: &Shared, faults: Faults) -> Value {
    let mut official = shared.official.lock();
    let times = faults.times.unwrap_or(1);
    official
        .faults
        .extend(std::iter::repeat_n(faults.status, times));
    json!({"queued": official.faults.len()})
}

fn expire_tokens(shared: &Shared) -> Value {
    let mut official = shared.official.lock();
    for token in official.tokens.values_mut() {
        token.expired = true;
    }
    json!({"expired": official.tokens.len()})
}

fn revoke_refresh_tokens(shared: &Shared) -> Value {
    let mut official = shared.official.lock();
    let revoked = official.refresh_tokens.len();
    official.refresh_tokens.clear();
    json!({"revoked": revoked})
}

#[derive(Deserialize)]
struct AddedEngagement {
    post: Option<String>,
    #[serde(default)]
    comments: Vec<NewEngagement>,
    #[serde(default)]
    reactions: Vec<NewEngagement>,
}

fn add_engagement(shared: &Shared, added: AddedEngagement) -> Result<Value, String> {
    let mut official = shared.official.lock();
    let post = added
        .post
        .or_else(|| {
            official
                .posts
                .last()
                .and_then(|post| post["id"].as_str().map(str::to_owned))
        })
        .ok_or("no post to engage with: create one first, or name it")?;
    // A comment always has text and a reaction none, whatever the input said.
    let comments = added.comments.into_iter().map(|comment| NewEngagement {
        text: Some(comment.text.unwrap_or_default()),
        ..comment
    });
    let reactions = added.reactions.into_iter().map(|reaction| NewEngagement {
        text: None,
        ..reaction
    });
    let all = comments.chain(reactions).collect();
    let ids = engagement::add(&mut official, &post, all);
    Ok(json!({"post": post, "ids": ids}))
}

/// The readings of `X-LI-Signature` sources give (reference §7).
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "camelCase")]
enum Signing {
    /// `hex(HMAC(secret, "hmacsha256=" + body))`, Microsoft Learn's wording.
    #[default]
    PrefixedBody,
    /// `"hmacsha256=" + hex(HMAC(secret, body))`.
    PrefixedHex,
    /// `hex(HMAC(secret, body))`.
    BareHex,
}

fn sign(secret: &str, body: &str, signing: Signing) -> String {
    let hmac = |parts: &[&[u8]]| {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        for part in parts {
            mac.update(part);
        }
        hex::encode(mac.finalize().into_bytes())
    };
    match signing {
        Signing::PrefixedBody => hmac(&[b"hmacsha256=", body.as_bytes()]),
        Signing::PrefixedHex => format!("hmacsha256={}", hmac(&[body.as_bytes()])),
        Signing::BareHex => hmac(&[body.as_bytes()]),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewLead {
    answers: std::collections::BTreeMap<i64, String>,
    #[serde(default = "default_form")]
    form_id: u64,
    response_id: Option<String>,
    #[serde(default = "created")]
    action: String,
    submitter: Option<String>,
    #[serde(default)]
    test_lead: bool,
    #[serde(default)]
    signing: Signing,
    deliver_to: Option<String>,
}

fn default_form() -> u64 {
    4311
}

fn created() -> String {
    "CREATED".into()
}

const SUBMITTED_AT: i64 = 1_718_000_000_000;

async fn create_lead(shared: &Shared, lead: NewLead) -> Value {
    let (response_id, notification, signature) = {
        let mut official = shared.official.lock();
        let response_id = lead
            .response_id
            .unwrap_or_else(|| official.mint("7e1c2a90-lead-"));
        let form_urn = format!(
            "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:{},2)",
            lead.form_id
        );
        let answers: Vec<Value> = lead
            .answers
            .iter()
            .map(|(question, answer)| {
                json!({"questionId": question, "answerDetails": {"textQuestionAnswer": {"answer": answer}}})
            })
            .collect();
        official.leads.insert(
            response_id.clone(),
            json!({
                "id": response_id, "leadType": "SPONSORED",
                "submitter": lead.submitter.unwrap_or_else(|| "urn:li:person:Ab3dEf".into()),
                "testLead": lead.test_lead, "submittedAt": SUBMITTED_AT,
                "owner": {"sponsoredAccount": "urn:li:sponsoredAccount:508915"},
                "versionedLeadGenFormUrn": form_urn,
                "formResponse": {"answers": answers, "consentResponses": []},
            }),
        );
        let notification = json!({
            "type": "LEAD_ACTION", "leadAction": lead.action, "occurredAt": SUBMITTED_AT,
            "leadType": "SPONSORED",
            "owner": {"sponsoredAccount": "urn:li:sponsoredAccount:508915"},
            "leadGenForm": form_urn,
            "leadGenFormResponse": format!("urn:li:leadGenFormResponse:{response_id}"),
        })
        .to_string();
        let signature = sign(&official.app.client_secret, &notification, lead.signing);
        (response_id, notification, signature)
    };
    let mut answer =
        json!({"responseId": response_id, "notification": notification, "signature": signature});
    if let Some(url) = lead.deliver_to {
        let delivered = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .header("x-li-signature", &signature)
            .body(notification)
            .send()
            .await;
        answer["delivered"] = match delivered {
            Ok(response) => Value::from(response.status().as_u16()),
            Err(error) => Value::from(error.to_string()),
        };
    }
    answer
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetAssociation {
    key: String,
    #[serde(default = "ok_status")]
    status: u16,
    #[serde(default)]
    service_error_code: i64,
    #[serde(default)]
    message: String,
    body: Option<Value>,
}

fn ok_status() -> u16 {
    200
}

fn set_association(shared: &Shared, set: SetAssociation) -> Value {
    let answer = if set.status == 200 {
        AssociationAnswer::Match(set.body.unwrap_or_else(|| json!({})))
    } else {
        AssociationAnswer::Error {
            status: set.status,
            service_error_code: set.service_error_code,
            message: set.message,
        }
    };
    let mut official = shared.official.lock();
    official.associations.insert(set.key.clone(), answer);
    json!({"key": set.key})
}

fn state(shared: &Shared) -> Value {
    let official = shared.official.lock();
    json!({"codes": official.codes.len(), "tokens": official.tokens.len(),
           "refreshTokens": official.refresh_tokens.len(), "leads": official.leads.len(),
           "comments": official.comments.len(), "reactions": official.reactions.len(),
           "images": official.images, "posts": official.posts})
}
