//! Conversions between the planner's types (ping-core) and the backend's wire types
//! (ping-protocol).

use chrono::{DateTime, Utc};
use ping_core::model::Account;
use ping_core::sync::{AvatarTransfer, ProfileLookups, PushAck, PushFailure, PushPlan};
use ping_protocol::api::{
    AvatarRequest, ProfileSource, ProfilesPush, ProfilesResponse, PushBatch, PushResponse,
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

/// One batch of `account`'s mailbox, as the backend takes it.
pub fn push_batch(run_id: &str, account: &Account, batch: &PushPlan) -> PushBatch {
    PushBatch {
        run_id: run_id.to_owned(),
        account: account.clone(),
        conversations: batch.conversations.clone(),
        messages: batch.messages.clone(),
        deleted_conversations: batch.deleted.clone(),
        history_pending: batch.history_pending.clone(),
        history_complete: batch.history_complete.clone(),
    }
}

/// What the planner needs from a push answer: the backfill, avatar and attachment requests.
pub fn push_ack(response: PushResponse) -> PushAck {
    PushAck {
        backfill_needed: response
            .backfill_needed
            .into_iter()
            .map(|request| request.member)
            .collect(),
        avatar_requests: avatar_transfers(response.avatar_requests),
        history_covered: response.history_covered,
        attachment_requests: response.attachment_requests,
    }
}

/// A profiles answer asks for nothing but avatars.
pub fn profiles_ack(response: ProfilesResponse) -> PushAck {
    PushAck {
        backfill_needed: Vec::new(),
        avatar_requests: avatar_transfers(response.avatar_requests),
        history_covered: Vec::new(),
        attachment_requests: Vec::new(),
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
pub fn backfill_push(lookups: ProfileLookups, now: DateTime<Utc>) -> ProfilesPush {
    ProfilesPush {
        source: ProfileSource::Backfill,
        captured_at: now,
        profiles: lookups.profiles,
        unavailable: lookups.unavailable,
    }
}
