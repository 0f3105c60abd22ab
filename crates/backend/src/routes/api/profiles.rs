//! Profiles and avatar uploads.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ping_core::ids::ProfileUrn;
use ping_protocol::{AvatarUpload, ProfileSource, ProfilesResponse, RawProfilesPush};

use super::json::ApiJson;
use crate::auth::ExtensionAuth;
use crate::backfill::BACKFILL;
use crate::error::ApiError;
use crate::ingest::prepare_profiles;
use crate::state::AppState;

pub async fn push(
    State(state): State<AppState>,
    auth: ExtensionAuth,
    ApiJson(raw): ApiJson<RawProfilesPush>,
) -> Result<Json<ProfilesResponse>, ApiError> {
    let now = state.clock.now();
    let lookups = looked_up(&raw);
    let (profiles, mut rejected) = prepare_profiles(raw);
    let counts = state
        .store
        .apply_profiles(auth.user, &profiles, now)
        .await?;
    state
        .store
        .note_profile_lookups(auth.user, &lookups, now)
        .await?;
    rejected.extend(counts.refused);
    state.avatar_wakeup.notify_one();
    let avatar_requests = BACKFILL
        .avatars_to_fetch(&*state.store, &state.config.avatar_policy, auth.user, now)
        .await?;
    Ok(Json(ProfilesResponse {
        profiles: counts.profiles,
        rejected,
        avatar_requests,
    }))
}

/// The members a backfill push reports looked up: those found and those LinkedIn has no
/// profile for. A visited page is not a lookup the backend asked for.
fn looked_up(push: &RawProfilesPush) -> Vec<ProfileUrn> {
    if push.source != ProfileSource::Backfill {
        return Vec::new();
    }
    let found = push
        .profiles
        .iter()
        .filter_map(|profile| profile.get("urn")?.as_str())
        .filter_map(|urn| ProfileUrn::parse(urn).ok());
    found.chain(push.unavailable.iter().cloned()).collect()
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
