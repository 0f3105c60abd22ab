//! Conversions between the planner's types (ping-core) and the backend's wire types
//! (ping-protocol).

use chrono::{DateTime, Utc};
use ping_core::model::Profile;
use ping_core::sync::{AvatarTransfer, PushAck, PushFailure};
use ping_protocol::api::{
    AvatarRequest, ProfileSource, ProfilesPush, ProfilesResponse, PushResponse,
};

use crate::backend::BackendError;

fn avatar_transfers(requests: Vec<AvatarRequest>) -> Vec<AvatarTransfer> {
    requests
        .into_iter()
        .map(|request| AvatarTransfer {
            member: request.member,
            url: request.url,
        })
        .collect()
}

/// What the planner needs from a push answer: the backfill and avatar requests.
pub fn push_ack(response: PushResponse) -> PushAck {
    PushAck {
        backfill_needed: response
            .backfill_needed
            .into_iter()
            .map(|request| request.member)
            .collect(),
        avatar_requests: avatar_transfers(response.avatar_requests),
    }
}

/// A profiles push asks for nothing but avatars.
pub fn profiles_ack(response: ProfilesResponse) -> PushAck {
    PushAck {
        backfill_needed: Vec::new(),
        avatar_requests: avatar_transfers(response.avatar_requests),
    }
}

pub fn push_failure(error: BackendError) -> PushFailure {
    match error {
        BackendError::Unreachable { detail } => PushFailure::Unreachable { detail },
        BackendError::PairingRejected { .. } => PushFailure::PairingRejected,
        BackendError::Refused {
            status, message, ..
        } => PushFailure::Refused {
            status,
            detail: message,
        },
    }
}

/// Profiles the planner fetched because the backend asked for them.
pub fn backfill_push(profiles: Vec<Profile>, now: DateTime<Utc>) -> ProfilesPush {
    ProfilesPush {
        source: ProfileSource::Backfill,
        captured_at: now,
        profiles,
    }
}
