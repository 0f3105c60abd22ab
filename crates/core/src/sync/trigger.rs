use serde::{Deserialize, Serialize};

/// What started a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum SyncTrigger {
    /// A LinkedIn page visit, subject to the throttle.
    PageVisit,
    /// The popup's Sync Now.
    Manual,
    /// A sync the web UI asked for.
    Requested,
}
