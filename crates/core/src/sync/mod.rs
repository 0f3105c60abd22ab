//! The sync: a pure planner that decides every step of one run, and [`drive`], the one loop
//! that hands its effects to a [`SyncHost`] (the extension's service worker, a simulation, a
//! native test) and their outcomes back. All policy lives in the planner: paging newest first
//! down to the watermark, message paging back to what is already synced, bounded batches,
//! checkpoints after every acknowledged batch, backoff, query id rotation, backfill, and the
//! run report. The throttle and the single-sync lease are pure functions of the stored state
//! and `now`.

pub mod attachments;
mod backoff;
mod drive;
mod effects;
mod lease;
mod pace;
mod planner;
mod report;
mod state;
mod throttle;
mod trigger;

pub use drive::{SyncHost, VoyagerHttp, drive, fetch_over_http};
pub use effects::{
    AttachmentFetched, AvatarTransfer, Effect, Next, Outcome, ProfileLookups, PushAck, PushFailure,
    PushPlan, Step, Transport, VoyagerFetch,
};
pub use lease::{LEASE_TTL, Lease, LeaseBusy, acquire_lease};
pub use pace::{Budget, Lane, PaceLog, PacePolicy, PacePreset, Slot, Span};
pub use planner::{Planner, Progress, SyncConfig};
pub use report::{RunOutcome, RunReport};
pub use state::{HistoryProgress, StopReason, SyncState};
pub use throttle::{
    SkipReason, SyncDecision, ThrottlePolicy, decide_sync, next_automatic_sync, with_queued_request,
};
pub use trigger::SyncTrigger;

#[cfg(test)]
mod attachment_tests;
#[cfg(test)]
mod backfill_tests;
#[cfg(test)]
mod delta_tests;
#[cfg(test)]
mod folder_tests;
#[cfg(test)]
mod pacing_tests;
#[cfg(test)]
mod query_id_tests;
#[cfg(test)]
mod sim;
#[cfg(test)]
mod tests;
