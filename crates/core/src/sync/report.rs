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
    pub run_id: String,
    pub account: Option<ProfileUrn>,
    pub trigger: SyncTrigger,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: RunOutcome,
    pub conversations_processed: u32,
    pub messages_processed: u32,
    pub profiles_backfilled: u32,
    pub requests_made: u32,
    /// What went wrong, in words for a person; never any cookie or token.
    pub errors: Vec<String>,
}
