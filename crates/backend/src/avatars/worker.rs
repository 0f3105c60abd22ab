//! The background task that works through the avatar job queue in the store.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use tokio::sync::Notify;

use super::fetch::{DOWNLOAD_DEADLINE, FetchError, download_within, http_client};
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

/// Downloads queued avatars. Clones share the HTTP client and work the same queue.
#[derive(Clone)]
pub struct AvatarWorker {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    policy: AvatarPolicy,
    client: reqwest::Client,
    deadline: StdDuration,
}

impl AvatarWorker {
    /// A worker whose downloads trust `extra_roots` besides the built-in web roots.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        policy: AvatarPolicy,
        extra_roots: &[reqwest::Certificate],
    ) -> reqwest::Result<Self> {
        let client = http_client(&policy, extra_roots)?;
        Ok(Self {
            store,
            clock,
            policy,
            client,
            deadline: DOWNLOAD_DEADLINE,
        })
    }

    /// The same worker with another deadline per download (tests use short ones).
    pub fn with_deadline(self, deadline: StdDuration) -> Self {
        Self { deadline, ..self }
    }

    /// Claims one job and works it; `Idle` when the queue is empty.
    pub async fn run_once(&self) -> Result<JobResult, crate::store::StoreError> {
        self.work_one(|| {}).await
    }

    /// [`Self::run_once`], calling `claimed` as soon as a job is claimed.
    async fn work_one(
        &self,
        claimed: impl FnOnce(),
    ) -> Result<JobResult, crate::store::StoreError> {
        let now = self.clock.now();
        let Some(job) = self.store.claim_avatar_job(now, now - STALE_AFTER).await? else {
            return Ok(JobResult::Idle);
        };
        claimed();
        let expired = job.expires_at.is_some_and(|expires| expires <= now);
        // The policy comes first, expired URLs included: one off the media hosts is neither
        // fetched here nor handed to the browser to fetch.
        let fetched = match self.policy.check_url(&job.url) {
            Err(reason) => Err(FetchError::Policy(reason)),
            Ok(_) if expired => Err(FetchError::Refused(410)),
            Ok(_) => download_within(&self.client, &self.policy, &job.url, self.deadline).await,
        };
        let (outcome, result) = match fetched {
            Ok(image) => (AvatarOutcome::Stored(image), JobResult::Stored),
            Err(FetchError::Refused(_)) if expired => (
                AvatarOutcome::NeedsUpload("the URL expired".into()),
                JobResult::NeedsUpload,
            ),
            Err(error @ (FetchError::Refused(_) | FetchError::TimedOut(_))) => (
                AvatarOutcome::NeedsUpload(error.to_string()),
                JobResult::NeedsUpload,
            ),
            Err(FetchError::Transient(reason)) => (AvatarOutcome::Retry(reason), JobResult::Retry),
            Err(FetchError::Policy(reason)) => {
                tracing::warn!(job = job.id.0, %reason, "avatar refused");
                (AvatarOutcome::Failed(reason), JobResult::Failed)
            }
        };
        self.store
            .finish_avatar_job(job.id, &outcome, self.clock.now())
            .await?;
        Ok(result)
    }

    /// Works the queue with `workers` tasks until the process ends (or the handles are
    /// aborted), so that one slow download holds one of them only.
    pub fn spawn(self, workers: usize, wakeup: Arc<Notify>) -> Vec<tokio::task::JoinHandle<()>> {
        (0..workers.max(1))
            .map(|_| tokio::spawn(self.clone().run(wakeup.clone())))
            .collect()
    }

    /// Works the queue until the process ends: at once when woken, else every few seconds.
    /// A worker that claims a job wakes another, so idle ones join while the queue lasts.
    pub async fn run(self, wakeup: Arc<Notify>) {
        loop {
            match self.work_one(|| wakeup.notify_one()).await {
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
