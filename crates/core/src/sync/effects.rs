//! The planner's side of a run: the steps it asks for and the outcomes it is handed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ConversationUrn, ProfileUrn, QueryId};
use crate::model::{Account, Conversation, Message, Profile};
use crate::voyager::{HttpResponse, VoyagerAnswer, VoyagerCall, VoyagerFailure};

use super::attachments::{AttachmentRequest, AttachmentSkip};
use super::report::RunReport;

/// What the planner wants done next, and whether its state must be persisted before that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// A checkpoint was reached: persist [`super::Planner::state`] before anything else.
    pub save_state: bool,
    /// A call is about to be made: persist the state's [`super::PaceLog`] before it goes.
    pub save_pace: bool,
    /// The effect to carry out, or the run's report.
    pub next: Next,
}

/// The one thing that follows a step.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one step is alive at a time; boxing adds only noise"
)]
pub enum Next {
    /// Carry this out and hand its [`Outcome`] back to the planner.
    Effect(Effect),
    /// The run is over.
    Finished(RunReport),
}

impl Step {
    pub(crate) fn effect(effect: Effect) -> Self {
        Self {
            save_state: false,
            save_pace: false,
            next: Next::Effect(effect),
        }
    }

    pub(crate) fn finished(report: RunReport) -> Self {
        Self {
            save_state: false,
            save_pace: false,
            next: Next::Finished(report),
        }
    }

    /// The same step, after persisting the calls made.
    pub(crate) fn saving_pace(mut self) -> Self {
        self.save_pace = true;
        self
    }

    /// The same step, after persisting the state.
    pub(crate) fn saving(mut self) -> Self {
        self.save_state = true;
        self
    }
}

/// Something only the host can do: talk to LinkedIn or the backend, or let time pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Ask LinkedIn; the outcome is [`Outcome::Fetched`].
    Fetch(VoyagerFetch),
    /// Push one bounded batch of this mailbox to the backend; the outcome is
    /// [`Outcome::Pushed`].
    Push {
        /// The mailbox owner, so the backend can tell outbound messages from inbound.
        account: Account,
        /// The conversations, messages and deletions of the batch.
        batch: PushPlan,
    },
    /// Push what the profile lookups found to the backend; the outcome is
    /// [`Outcome::Pushed`].
    PushProfiles {
        /// The profiles read, and the members LinkedIn had none for.
        lookups: ProfileLookups,
    },
    /// Fetch avatar bytes in the browser and upload them; the outcome is
    /// [`Outcome::AvatarTransferred`].
    TransferAvatar {
        /// The contact the picture belongs to.
        member: ProfileUrn,
        /// The signed LinkedIn media URL the backend could not download itself.
        url: String,
    },
    /// Download an attachment with the user's LinkedIn session and upload it to the backend;
    /// the outcome is [`Outcome::AttachmentFetched`]. The bytes stay with the host.
    TransferAttachment {
        /// The attachment, with the URL to fetch (refreshed if the stored one had expired).
        attachment: AttachmentRequest,
        /// Stop reading and upload nothing past this many bytes.
        max_bytes: u64,
    },
    /// Tell the backend which attachments will not come, and why; the outcome is
    /// [`Outcome::SkipsReported`].
    ReportSkippedAttachments {
        /// One entry per attachment.
        skipped: Vec<AttachmentSkip>,
    },
    /// Pause (backoff or polite pacing); the outcome is [`Outcome::Waited`].
    Wait {
        /// When to hand back [`Outcome::Waited`].
        until: DateTime<Utc>,
    },
}

/// One Voyager call as the planner asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoyagerFetch {
    /// What to ask LinkedIn.
    pub call: VoyagerCall,
    /// The GraphQL query id chosen for the call's variant, if it is a GraphQL call.
    pub query_id: Option<QueryId>,
    /// From the service worker, or through an open LinkedIn tab.
    pub via: Transport,
    /// The mailbox the call reads, once `/me` has answered.
    pub mailbox: Option<ProfileUrn>,
}

/// How an [`Effect`] went.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one outcome is alive at a time; boxing adds only noise"
)]
pub enum Outcome {
    /// LinkedIn's answer to an [`Effect::Fetch`].
    Fetched {
        /// The parsed page, or how the call failed.
        result: Result<VoyagerAnswer, VoyagerFailure>,
    },
    /// The backend's answer to an [`Effect::Push`] or [`Effect::PushProfiles`].
    Pushed {
        /// What the backend asks for next, or why the push did not go through.
        result: Result<PushAck, PushFailure>,
    },
    /// A failed avatar transfer is reported, not fatal.
    AvatarTransferred {
        /// `Err` holds the reason, for the run report.
        result: Result<(), String>,
    },
    /// How an [`Effect::TransferAttachment`] went.
    AttachmentFetched {
        /// Stored, too large, or what LinkedIn or the backend answered instead.
        result: AttachmentFetched,
    },
    /// The backend's answer to an [`Effect::ReportSkippedAttachments`].
    SkipsReported {
        /// `Err` when the report did not go through; the backend asks again later.
        result: Result<(), PushFailure>,
    },
    /// The [`Effect::Wait`] is over.
    Waited,
}

/// How the host's attempt at one attachment went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentFetched {
    /// The backend stored the bytes.
    Stored,
    /// More than the cap was declared (`Content-Length`) or read; nothing was uploaded.
    TooLarge {
        /// The size declared, or the bytes read when the cap was passed.
        byte_size: u64,
    },
    /// LinkedIn answered with something other than the file (an expired link, a login page, a
    /// throttle): its answer, for the planner to read. Only a short body is kept.
    Refused(HttpResponse),
    /// The bytes came but the backend did not take them.
    NotUploaded(PushFailure),
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
    /// Conversations with new activity, as the list reports them; a conversation whose
    /// messages span several batches travels with each of them.
    pub conversations: Vec<Conversation>,
    /// Messages fetched since the last batch, at most `max_batch_messages`.
    pub messages: Vec<Message>,
    /// Conversations LinkedIn reported deleted since the last sync token.
    pub deleted: Vec<ConversationUrn>,
    /// Conversations whose older messages are still to come (recent first).
    pub history_pending: Vec<ConversationUrn>,
    /// Conversations whose older messages have all come now.
    pub history_complete: Vec<ConversationUrn>,
}

impl PushPlan {
    pub(crate) fn is_empty(&self) -> bool {
        self.conversations.is_empty()
            && self.messages.is_empty()
            && self.deleted.is_empty()
            && self.history_pending.is_empty()
            && self.history_complete.is_empty()
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
    /// Conversations whose older history the backend already holds (from LinkedIn's data
    /// export): their history is not paged.
    pub history_covered: Vec<ConversationUrn>,
    /// Attachments whose bytes the backend lacks, newest messages first.
    pub attachment_requests: Vec<AttachmentRequest>,
}

/// What a run's profile lookups found, for the contacts the backend asked about. Both lists
/// tell the backend those members were looked up, so it does not ask for them again soon.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileLookups {
    /// The profiles read.
    pub profiles: Vec<Profile>,
    /// Members LinkedIn has no profile for (hidden or gone): another lookup would be wasted.
    pub unavailable: Vec<ProfileUrn>,
}

impl ProfileLookups {
    /// Whether no lookup has been made.
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty() && self.unavailable.is_empty()
    }
}

/// One avatar the backend could not download itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvatarTransfer {
    /// The contact the picture belongs to.
    pub member: ProfileUrn,
    /// The signed LinkedIn media URL, fetched in the browser instead.
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
    Unreachable {
        /// The network error or the HTTP status, for the run report.
        detail: String,
    },
    /// The token expired or was revoked.
    #[error("this browser's pairing with Ping has expired: pair it again from the popup")]
    PairingRejected,
    /// The backend refused the whole batch.
    #[error("the Ping backend refused the data ({status}: {detail})")]
    Refused {
        /// The HTTP status (4xx) of the refusal.
        status: u16,
        /// The backend's error `message`, for the run report.
        detail: String,
    },
}
