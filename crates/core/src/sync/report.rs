use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::ProfileUrn;

use super::trigger::SyncTrigger;

/// How a sync run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum RunOutcome {
    /// Every change down to the watermark was pushed and acknowledged.
    Completed,
    /// Stopped early (throttled, backend unreachable); resumes from its checkpoint.
    Interrupted,
    /// Stopped on an error that needs the user (logged out, pairing expired, API changed).
    Failed,
}

/// The report of one sync run, sent to the backend and shown in the popup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    /// The run's id, also sent with each of its push batches.
    pub run_id: String,
    /// The mailbox synced, once a `/me` answer is known.
    pub account: Option<ProfileUrn>,
    /// What started the run.
    pub trigger: SyncTrigger,
    /// When the run began.
    pub started_at: DateTime<Utc>,
    /// When the run ended.
    pub finished_at: DateTime<Utc>,
    /// Completed, interrupted (resumes later) or failed (needs the user).
    pub outcome: RunOutcome,
    /// Conversations whose messages were all pushed and acknowledged in this run.
    pub conversations_processed: u32,
    /// Messages pushed and acknowledged in this run.
    pub messages_processed: u32,
    /// Profiles fetched from LinkedIn and pushed because the backend asked for them.
    pub profiles_backfilled: u32,
    /// Attachments downloaded in the browser and stored by the backend in this run.
    #[serde(default)]
    pub attachments_stored: u32,
    /// Calls made to LinkedIn, counted against the pace's budgets.
    pub requests_made: u32,
    /// What went wrong, in words for a person; never any cookie or token.
    pub errors: Vec<String>,
}
