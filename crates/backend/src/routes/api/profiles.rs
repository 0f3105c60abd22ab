//! Profiles and avatar uploads.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ping_core::model::Profile;
use ping_protocol::{
    AvatarUpload, ProfilesResponse, RawProfilesPush, RecordKind, RejectedRecord, parse_records,
};

use super::ApiJson;
use super::sync::AVATAR_REPEAT_AFTER;
use crate::auth::ExtensionAuth;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn push(
    State(state): State<AppState>,
    auth: ExtensionAuth,
    ApiJson(raw): ApiJson<RawProfilesPush>,
) -> Result<Json<ProfilesResponse>, ApiError> {
    let now = state.clock.now();
    let (parsed, mut rejected) = parse_records::<Profile>(RecordKind::Profile, raw.profiles);
    let mut profiles = Vec::with_capacity(parsed.len());
    for (index, profile) in parsed {
        if profile.urn.is_none() && profile.public_identifier.is_none() {
            rejected.push(RejectedRecord {
                kind: RecordKind::Profile,
                index,
                urn: None,
                reason: "a profile needs a urn or a public identifier".into(),
            });
        } else {
            profiles.push(profile);
        }
    }
    let counts = state
        .store
        .apply_profiles(auth.user, &profiles, now)
        .await?;
    state.avatar_wakeup.notify_one();
    let avatar_requests = state
        .store
        .take_avatar_requests(auth.user, 10, now - AVATAR_REPEAT_AFTER, now)
        .await?;
    Ok(Json(ProfilesResponse {
        profiles: counts,
        rejected,
        avatar_requests,
    }))
}

pub async fn upload_avatar(
    State(state): State<AppState>,
    auth: ExtensionAuth,
    ApiJson(upload): ApiJson<AvatarUpload>,
) -> Result<StatusCode, ApiError> {
    let policy = &state.config.avatar_policy;
    policy
        .check_url(&upload.source_url)
        .map_err(ApiError::AvatarRefused)?;
    let bytes = STANDARD
        .decode(upload.data_base64.trim())
        .map_err(|_| ApiError::InvalidRequest("dataBase64 is not standard base64".into()))?;
    let image = policy
        .check_image(&upload.content_type, bytes)
        .map_err(ApiError::AvatarRefused)?;
    let stored = state
        .store
        .store_uploaded_avatar(auth.user, &upload.member, &image, state.clock.now())
        .await?;
    if stored {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
