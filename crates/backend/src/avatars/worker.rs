//! The background task that works through the avatar job queue in the store.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use tokio::sync::Notify;

use super::fetch::{FetchError, download, http_client};
use super::policy::AvatarPolicy;
use crate::clock::Clock;
use crate::store::{AvatarOutcome, Store};

/// A running job is taken over by another worker after this long (its process died).
const STALE_AFTER: Duration = Duration::minutes(5);
/// How often an idle worker looks at the queue (jobs queued by other processes).
const IDLE_POLL: StdDuration = StdDuration::from_secs(5);

/// What one step of the worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobResult {
    Idle,
    Stored,
    NeedsUpload,
    Retry,
    Failed,
}

/// Downloads queued avatars.
pub struct AvatarWorker {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    policy: AvatarPolicy,
    client: reqwest::Client,
}

impl AvatarWorker {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        policy: AvatarPolicy,
    ) -> reqwest::Result<Self> {
        let client = http_client(&policy)?;
        Ok(Self {
            store,
            clock,
            policy,
            client,
        })
    }

    /// Claims one job and works it; `Idle` when the queue is empty.
    pub async fn run_once(&self) -> Result<JobResult, crate::store::StoreError> {
        let now = self.clock.now();
        let Some(job) = self.store.claim_avatar_job(now, now - STALE_AFTER).await? else {
            return Ok(JobResult::Idle);
        };
        let expired = job.expires_at.is_some_and(|expires| expires <= now);
        let (outcome, result) = if expired {
            (
                AvatarOutcome::NeedsUpload("the URL expired".into()),
                JobResult::NeedsUpload,
            )
        } else {
            match download(&self.client, &self.policy, &job.url).await {
                Ok(image) => (AvatarOutcome::Stored(image), JobResult::Stored),
                Err(FetchError::Refused(status)) => (
                    AvatarOutcome::NeedsUpload(format!("HTTP {status}")),
                    JobResult::NeedsUpload,
                ),
                Err(FetchError::Transient(reason)) => {
                    (AvatarOutcome::Retry(reason), JobResult::Retry)
                }
                Err(FetchError::Policy(reason)) => {
                    tracing::warn!(job = job.id.0, %reason, "avatar refused");
                    (AvatarOutcome::Failed(reason), JobResult::Failed)
                }
            }
        };
        self.store
            .finish_avatar_job(job.id, &outcome, self.clock.now())
            .await?;
        Ok(result)
    }

    /// Works the queue until the process ends: at once when woken, else every few seconds.
    pub async fn run(self, wakeup: Arc<Notify>) {
        loop {
            match self.run_once().await {
                Ok(JobResult::Idle) => {
                    tokio::select! {
                        () = wakeup.notified() => {}
                        () = tokio::time::sleep(IDLE_POLL) => {}
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "avatar worker");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
        }
    }
}
