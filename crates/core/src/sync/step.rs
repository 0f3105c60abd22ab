use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ConversationUrn, ProfileUrn, QueryId};
use crate::model::{Conversation, Message, Profile};
use crate::voyager::{VoyagerAnswer, VoyagerCall, VoyagerFailure};

use super::report::{RunReport, SyncTrigger};

/// What happened, fed to [`super::Planner::handle`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[allow(
    clippy::large_enum_variant,
    reason = "one event is alive at a time; boxing adds only noise"
)]
pub enum SyncEvent {
    /// Begin a run, or resume the unfinished pass of an earlier one. `logged_in` is false when
    /// the browser has no usable LinkedIn cookies.
    Start {
        run_id: String,
        trigger: SyncTrigger,
        logged_in: bool,
    },
    /// The answer to the last [`SyncAction::Fetch`].
    Fetched {
        result: Result<VoyagerAnswer, VoyagerFailure>,
    },
    /// The answer to the last [`SyncAction::Push`] or [`SyncAction::PushProfiles`].
    Pushed {
        result: Result<PushAck, PushFailure>,
    },
    /// The outcome of the last [`SyncAction::TransferAvatar`]; a failure is reported, not fatal.
    AvatarTransferred { result: Result<(), String> },
    /// The last [`SyncAction::Wait`] is over.
    Waited,
}

/// What to do next. A list of actions holds at most one effect (`Fetch`, `Push`,
/// `PushProfiles`, `TransferAvatar`, `Wait`), last; its outcome is the next event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SyncAction {
    /// Ask LinkedIn; answer with [`SyncEvent::Fetched`].
    Fetch {
        call: VoyagerCall,
        query_id: Option<QueryId>,
        via: Transport,
    },
    /// Push one bounded batch to the backend; answer with [`SyncEvent::Pushed`].
    Push { batch: PushPlan },
    /// Push backfilled profiles to the backend; answer with [`SyncEvent::Pushed`].
    PushProfiles { profiles: Vec<Profile> },
    /// Fetch avatar bytes in the browser and upload them; answer with
    /// [`SyncEvent::AvatarTransferred`].
    TransferAvatar { member: ProfileUrn, url: String },
    /// Pause (backoff or polite pacing); answer with [`SyncEvent::Waited`].
    Wait { until: DateTime<Utc> },
    /// Persist [`super::Planner::state`] now: a checkpoint was reached.
    SaveState,
    /// The run is over; report it. No event follows.
    Finish { report: RunReport },
}

/// How a Voyager request travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Transport {
    /// `fetch` from the service worker with the csrf header.
    Direct,
    /// Through the content script of an open LinkedIn tab (same origin).
    Tab,
}

/// The records of one push batch.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushPlan {
    pub conversations: Vec<Conversation>,
    pub messages: Vec<Message>,
    pub deleted: Vec<ConversationUrn>,
}

impl PushPlan {
    pub(crate) fn is_empty(&self) -> bool {
        self.conversations.is_empty() && self.messages.is_empty() && self.deleted.is_empty()
    }
}

/// What the backend asked for in its answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushAck {
    /// Contacts whose profiles to fetch and push.
    pub backfill_needed: Vec<ProfileUrn>,
    /// Avatars to fetch in the browser and upload.
    pub avatar_requests: Vec<AvatarTransfer>,
}

/// One avatar the backend could not download itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvatarTransfer {
    pub member: ProfileUrn,
    pub url: String,
}

/// Why a push did not go through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(
    tag = "failure",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PushFailure {
    /// No answer, or a 5xx.
    #[error("the Ping backend could not be reached ({detail})")]
    Unreachable { detail: String },
    /// The token expired or was revoked.
    #[error("this browser's pairing with Ping has expired: pair it again from the popup")]
    PairingRejected,
    /// The backend refused the whole batch.
    #[error("the Ping backend refused the data ({status}: {detail})")]
    Refused { status: u16, detail: String },
}
