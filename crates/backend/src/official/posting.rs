//! Organisation page posts (§2): the organisations the member administers, a text post with an
//! optional image (uploaded first, then referenced by its URN), backoff after a 429.

use bytes::Bytes;
use chrono::Duration;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::associations::backoff;
use super::client::{self, ApiCallError};
use super::connection::access_token;
use super::error::OfficialError;
use crate::ids::UserId;
use crate::state::AppState;
use crate::store::PostRecord;

/// Visibilities offered for an organisation's post.
pub const VISIBILITIES: [&str; 2] = ["PUBLIC", "LOGGED_IN"];

#[derive(Deserialize)]
struct Acls {
    elements: Vec<Acl>,
}

#[derive(Deserialize)]
struct Acl {
    organization: String,
}

/// The organisations the connected member administers (approved ADMINISTRATOR roles).
pub async fn administered_organizations(
    state: &AppState,
    user: UserId,
) -> Result<Vec<String>, OfficialError> {
    let token = access_token(state, user).await?;
    let path = "/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED\
                &start=0&count=100";
    let acls: Acls = client::get_json(&state.config.official, &token, path).await?;
    Ok(acls
        .elements
        .into_iter()
        .map(|acl| acl.organization)
        .collect())
}

/// An image to post with, and its alternative text.
pub struct ImageDraft {
    pub bytes: Bytes,
    pub alt_text: String,
}

/// What the compose form sends.
pub struct Draft {
    pub organization: String,
    pub commentary: String,
    pub visibility: String,
    pub image: Option<ImageDraft>,
}

#[derive(Deserialize)]
struct InitializedUpload {
    value: UploadTarget,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UploadTarget {
    upload_url: String,
    image: String,
}

/// Sends the post (image first) and keeps it with its state. While a 429's backoff runs,
/// nothing is sent: the post is refused with the time to try again.
pub async fn publish(
    state: &AppState,
    user: UserId,
    draft: Draft,
) -> Result<PostRecord, OfficialError> {
    let now = state.clock.now();
    if !VISIBILITIES.contains(&draft.visibility.as_str())
        || !draft.organization.starts_with("urn:li:organization:")
        || draft.commentary.trim().is_empty()
    {
        return Err(OfficialError::InvalidInput(
            "choose an organisation and a visibility, and write the post".into(),
        ));
    }
    let recent = state.store.list_posts(user, 20).await?;
    if let Some(until) = recent
        .first()
        .and_then(|post| post.retry_after)
        .filter(|until| *until > now)
    {
        return Err(OfficialError::InvalidInput(format!(
            "LinkedIn throttled the app: try again after {}",
            until.format("%H:%M UTC")
        )));
    }
    let token = access_token(state, user).await?;
    let mut record = PostRecord {
        organization: draft.organization.clone(),
        commentary: draft.commentary.clone(),
        visibility: draft.visibility.clone(),
        image_urn: None,
        state: "published".into(),
        post_urn: None,
        message: None,
        retry_after: None,
        created_at: now,
    };
    match send(state, &token, &draft, &mut record).await {
        Ok(()) => {}
        Err(ApiCallError::Status { status, body }) if status == StatusCode::TOO_MANY_REQUESTS => {
            let throttled_in_a_row = 1 + recent
                .iter()
                .take_while(|post| post.state == "throttled")
                .count();
            let wait = backoff(u32::try_from(throttled_in_a_row).unwrap_or(u32::MAX));
            record.state = "throttled".into();
            record.message = Some(body.message);
            record.retry_after = Some(now + wait.max(Duration::minutes(1)));
        }
        Err(error) => {
            record.state = "failed".into();
            record.message = Some(error.to_string());
        }
    }
    state.store.insert_post(user, &record).await?;
    Ok(record)
}

async fn send(
    state: &AppState,
    token: &crate::settings::Secret<String>,
    draft: &Draft,
    record: &mut PostRecord,
) -> Result<(), ApiCallError> {
    let config = &state.config.official;
    let mut post = json!({
        "author": draft.organization,
        "commentary": draft.commentary,
        "visibility": draft.visibility,
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": false,
    });
    if let Some(image) = &draft.image {
        let request = json!({"initializeUploadRequest": {"owner": draft.organization}});
        let (answer, _) = client::post_json(
            config,
            token,
            "/rest/images?action=initializeUpload",
            &request,
        )
        .await?;
        let target: InitializedUpload = serde_json::from_slice(&answer)
            .map_err(|error| ApiCallError::Unavailable(format!("unreadable upload: {error}")))?;
        client::upload(config, token, &target.value.upload_url, image.bytes.clone()).await?;
        record.image_urn = Some(target.value.image.clone());
        post["content"] = json!({"media": {"id": target.value.image, "altText": image.alt_text}});
    }
    let (_, created) = client::post_json(config, token, "/rest/posts", &post).await?;
    record.post_urn = created;
    Ok(())
}
