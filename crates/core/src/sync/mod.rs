//! The sync planner: a pure state machine that drives one sync run.
//!
//! The glue (the extension's service worker, or a native test loop) feeds it [`SyncEvent`]s and
//! carries out the [`SyncAction`]s it returns: fetch from LinkedIn, push to the backend, wait,
//! persist the state. All policy lives here: paging newest first down to the watermark,
//! message paging back to what is already synced, bounded batches, checkpoints after every
//! acknowledged batch, backoff, query id rotation, backfill, and the run report. The throttle
//! and the single-sync lease are pure functions of the stored state and `now`.

mod backoff;
mod lease;
mod planner;
mod report;
mod state;
mod step;
mod throttle;

pub use lease::{LEASE_TTL, Lease, LeaseBusy, acquire_lease};
pub use planner::{Planner, Progress, SyncConfig};
pub use report::{RunOutcome, RunReport, SyncTrigger};
pub use state::{StopReason, SyncState};
pub use step::{AvatarTransfer, PushAck, PushFailure, PushPlan, SyncAction, SyncEvent, Transport};
pub use throttle::{
    SkipReason, SyncDecision, ThrottlePolicy, decide_sync, next_automatic_sync, with_queued_request,
};

#[cfg(test)]
mod sim;
#[cfg(test)]
mod tests;
