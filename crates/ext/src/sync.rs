//! Runs one sync: carries out the actions of `ping_core::sync::Planner` and feeds it their
//! outcomes. Every decision (throttle, paging, batching, backoff, rotation, backfill) is the
//! planner's; this module only does the IO, persists when told, and keeps the lease.

use chrono::{DateTime, Duration, Utc};
use ping_core::sync::{
    Lease, Planner, Progress, PushAck, PushFailure, SyncAction, SyncConfig, SyncDecision,
    SyncEvent, SyncTrigger, ThrottlePolicy, acquire_lease, decide_sync,
};
use ping_core::voyager::{
    LinkedInSession, VoyagerContext, VoyagerFailure, build_request, interpret,
};
use ping_protocol::api::{PushBatch, RunReport};
use ping_protocol::worker::ExtensionSettings;

use crate::backend::{Backend, BackendError};
use crate::chrome::timer::sleep;
use crate::chrome::{ChromeError, cookies};
use crate::error::WorkerError;
use crate::{avatar, convert, store, transport};

/// Where the LinkedIn cookies are read from.
const LINKEDIN: &str = "https://www.linkedin.com";

/// A wait is slept in slices this long, renewing the lease between them (which also keeps
/// Chrome from stopping an idle-looking worker).
const WAIT_SLICE_MILLIS: i64 = 10_000;

/// The throttle policy of the user's settings.
pub fn throttle_policy(settings: &ExtensionSettings) -> ThrottlePolicy {
    ThrottlePolicy {
        interval: Duration::minutes(i64::from(settings.throttle_minutes)),
        paused: settings.paused,
    }
}

/// Reads the LinkedIn cookies fresh; the values go into the session and nowhere else.
async fn linkedin_session() -> Result<Option<LinkedInSession>, ChromeError> {
    let li_at = cookies::cookie_value(LINKEDIN, "li_at").await?;
    let jsessionid = cookies::cookie_value(LINKEDIN, "JSESSIONID").await?;
    Ok(LinkedInSession::from_cookies(li_at.as_deref(), jsessionid.as_deref()).ok())
}

fn new_run_id(now: DateTime<Utc>) -> String {
    let salt = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("run-{}-{salt:08x}", now.timestamp_millis())
}

/// Runs a sync for `trigger` if the throttle and the lease allow; returns its report.
pub async fn run_if_due(
    trigger: SyncTrigger,
    force: bool,
) -> Result<Option<RunReport>, WorkerError> {
    let now = Utc::now();
    let settings = store::settings().await?;
    let Some(token) = store::token().await? else {
        return Ok(None);
    };
    let state = store::sync_state().await?;
    if let SyncDecision::Skip { .. } =
        decide_sync(&state, &throttle_policy(&settings), trigger, force, now)
    {
        return Ok(None);
    }
    let Some(_running) = RunningGuard::enter() else {
        return Ok(None);
    };
    let run_id = new_run_id(now);
    let Some(lease) = take_lease(&run_id, now).await? else {
        return Ok(None);
    };
    let backend = Backend::new(&settings.backend_url, Some(&token));
    let context = VoyagerContext::from_page(&store::page_meta().await?);
    let logged_in = linkedin_session().await?.is_some();
    let mut planner = Planner::new(SyncConfig::default(), state, &store::query_ids().await?);
    let start = SyncEvent::Start {
        run_id: run_id.clone(),
        trigger,
        logged_in,
    };
    let mut driver = Driver {
        planner: &mut planner,
        backend,
        context,
        lease,
        progress: None,
    };
    let report = driver.drive(start).await;
    store::release_lease().await?;
    report.map(Some)
}

thread_local! {
    /// Whether this worker instance is running a sync. Chrome runs one instance of an
    /// extension's worker at a time, so this closes the gap between reading and writing the
    /// lease for triggers racing inside it; the lease covers a stopped instance's run.
    static RUNNING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks this instance as running a sync until dropped.
struct RunningGuard;

impl RunningGuard {
    fn enter() -> Option<Self> {
        RUNNING.with(|running| (!running.replace(true)).then_some(Self))
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        RUNNING.with(|running| running.set(false));
    }
}

/// Takes the lease unless another live run holds it; re-reads it after writing so that of
/// two triggers racing, only the one whose write stuck runs.
async fn take_lease(run_id: &str, now: DateTime<Utc>) -> Result<Option<Lease>, WorkerError> {
    let current = store::lease().await?;
    let Ok(lease) = acquire_lease(current.as_ref(), run_id, now) else {
        return Ok(None);
    };
    store::save_lease(&lease).await?;
    let stuck = store::lease()
        .await?
        .is_some_and(|stored| stored.holder == run_id);
    Ok(stuck.then_some(lease))
}

struct Driver<'a> {
    planner: &'a mut Planner,
    backend: Backend,
    /// The page headers of every Voyager call in this run, from the latest page visit.
    context: VoyagerContext,
    lease: Lease,
    progress: Option<Progress>,
}

impl Driver<'_> {
    async fn drive(&mut self, first: SyncEvent) -> Result<RunReport, WorkerError> {
        let mut event = first;
        loop {
            let actions = self.planner.handle(event, Utc::now());
            self.step_done().await?;
            let mut next = None;
            for action in actions {
                match action {
                    SyncAction::SaveState => store::save_sync_state(self.planner.state()).await?,
                    SyncAction::Finish { report } => return self.finish(report).await,
                    effect => next = Some(self.perform(effect).await?),
                }
            }
            let Some(outcome) = next else {
                // The planner stopped without a report: nothing more to do.
                return Err(WorkerError::PlannerContract("stopped without a report"));
            };
            event = outcome;
        }
    }

    /// Renews the lease and publishes progress for the popup.
    async fn step_done(&mut self) -> Result<(), WorkerError> {
        self.renew_lease().await?;
        let progress = self.planner.progress();
        if progress != self.progress {
            if let Some(progress) = &progress {
                store::save_progress(progress).await?;
            }
            self.progress = progress;
        }
        Ok(())
    }

    async fn renew_lease(&mut self) -> Result<(), WorkerError> {
        if let Ok(lease) = acquire_lease(Some(&self.lease), &self.lease.holder, Utc::now()) {
            store::save_lease(&lease).await?;
            self.lease = lease;
        }
        Ok(())
    }

    async fn perform(&mut self, effect: SyncAction) -> Result<SyncEvent, WorkerError> {
        Ok(match effect {
            SyncAction::Fetch {
                call,
                query_id,
                via,
            } => {
                let result = match linkedin_session().await? {
                    Some(session) => {
                        let account = self.planner.state().account().map(|a| &a.profile);
                        let built = build_request(
                            &call,
                            account,
                            query_id.as_ref(),
                            &session,
                            &self.context,
                        );
                        match built {
                            Ok(request) => interpret(&call, &transport::send(&request, via).await),
                            Err(error) => Err(error.into()),
                        }
                    }
                    None => Err(VoyagerFailure::SessionExpired),
                };
                SyncEvent::Fetched { result }
            }
            SyncAction::Push { batch } => {
                let account = self.planner.state().account().cloned();
                let result = match account {
                    Some(account) => {
                        let batch = PushBatch {
                            run_id: self.lease.holder.clone(),
                            account,
                            conversations: batch.conversations,
                            messages: batch.messages,
                            deleted_conversations: batch.deleted,
                        };
                        self.push_result(self.backend.push(&batch).await.map(convert::push_ack))
                            .await?
                    }
                    None => Err(PushFailure::Refused {
                        status: 0,
                        detail: "no LinkedIn account known yet".to_owned(),
                    }),
                };
                SyncEvent::Pushed { result }
            }
            SyncAction::PushProfiles { profiles } => {
                let push = convert::backfill_push(profiles, Utc::now());
                let result = self
                    .backend
                    .push_profiles(&push)
                    .await
                    .map(convert::profiles_ack);
                SyncEvent::Pushed {
                    result: self.push_result(result).await?,
                }
            }
            SyncAction::TransferAvatar { member, url } => {
                let result = avatar::transfer(&self.backend, &member, &url).await;
                SyncEvent::AvatarTransferred { result }
            }
            SyncAction::Wait { until } => {
                self.wait_until(until).await?;
                SyncEvent::Waited
            }
            SyncAction::SaveState | SyncAction::Finish { .. } => {
                return Err(WorkerError::PlannerContract(
                    "asked for a non-effect as an effect",
                ));
            }
        })
    }

    /// Maps a backend answer for the planner; a rejected token is forgotten right away.
    async fn push_result(
        &self,
        result: Result<PushAck, BackendError>,
    ) -> Result<Result<PushAck, PushFailure>, WorkerError> {
        if let Err(BackendError::PairingRejected { .. }) = &result {
            store::reject_token().await?;
        }
        Ok(result.map_err(convert::push_failure))
    }

    async fn wait_until(&mut self, until: DateTime<Utc>) -> Result<(), WorkerError> {
        loop {
            let left = (until - Utc::now()).num_milliseconds();
            if left <= 0 {
                return Ok(());
            }
            sleep(left.min(WAIT_SLICE_MILLIS).unsigned_abs()).await;
            self.renew_lease().await?;
        }
    }

    async fn finish(
        &mut self,
        report: ping_core::sync::RunReport,
    ) -> Result<RunReport, WorkerError> {
        store::save_sync_state(self.planner.state()).await?;
        store::save_last_run(&report).await?;
        match self.backend.report_run(&report).await {
            Err(BackendError::PairingRejected { .. }) => store::reject_token().await?,
            Err(error) => web_sys::console::warn_1(&error.to_string().into()),
            Ok(()) => {}
        }
        Ok(report)
    }
}
