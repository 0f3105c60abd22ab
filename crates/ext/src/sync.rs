//! The service worker as the sync's host: it carries out what `ping_core::sync::drive` asks
//! (LinkedIn through the browser, the backend, storage, time) and keeps the single-sync lease.
//! Every decision (throttle, paging, batching, backoff, rotation, backfill) is core's.

use chrono::{DateTime, Duration, Utc};
use ping_core::ids::{ProfileUrn, SessionFingerprint};
use ping_core::model::Account;
use ping_core::sync::attachments::{AttachmentPolicy, AttachmentRequest, AttachmentSkip};
use ping_core::sync::{
    AttachmentFetched, Lease, PaceLog, Planner, ProfileLookups, Progress, PushAck, PushFailure,
    PushPlan, SyncConfig, SyncDecision, SyncHost, SyncState, SyncTrigger, ThrottlePolicy,
    Transport, VoyagerFetch, VoyagerHttp, acquire_lease, decide_sync, drive, fetch_over_http,
};
use ping_core::voyager::{
    HttpRequest, HttpResponse, LinkedInSession, VoyagerAnswer, VoyagerContext, VoyagerFailure,
};
use ping_protocol::api::{ExtensionToken, PushOptions, RunReport};
use ping_protocol::worker::ExtensionSettings;

use crate::backend::{Backend, BackendError};
use crate::chrome::timer::sleep;
use crate::chrome::{ChromeError, cookies, crypto};
use crate::error::WorkerError;
use crate::{attachment, avatar, convert, store, transport};

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

/// The browser's LinkedIn session as the sync state may keep it: the SHA-256 of its `li_at`
/// cookie, never the cookie. `None` without usable cookies.
async fn session_fingerprint() -> Result<Option<SessionFingerprint>, ChromeError> {
    let li_at = cookies::cookie_value(LINKEDIN, "li_at").await?;
    let jsessionid = cookies::cookie_value(LINKEDIN, "JSESSIONID").await?;
    let usable = LinkedInSession::from_cookies(li_at.as_deref(), jsessionid.as_deref()).is_ok();
    let Some(li_at) = li_at.filter(|_| usable) else {
        return Ok(None);
    };
    let digest = crypto::sha256(li_at.as_bytes()).await?;
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(SessionFingerprint::parse(&hex).ok())
}

fn new_run_id(now: DateTime<Utc>) -> String {
    let salt = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("run-{}-{salt:08x}", now.timestamp_millis())
}

/// A trigger, with what it was read with.
pub struct Due {
    pub trigger: SyncTrigger,
    /// A web UI request that skips the throttle.
    pub force: bool,
    pub settings: ExtensionSettings,
    pub token: ExtensionToken,
    pub state: SyncState,
}

/// Runs a sync for a trigger if the throttle and the lease allow; returns its report.
pub async fn run_if_due(due: Due) -> Result<Option<RunReport>, WorkerError> {
    let Due {
        trigger,
        force,
        settings,
        token,
        state,
    } = due;
    let now = Utc::now();
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
    let config = SyncConfig {
        pace: settings.pace,
        folders: SyncConfig::folders(settings.sync_spam),
        relist_after: throttle_policy(&settings).interval,
        attachments: AttachmentPolicy {
            downloads: settings.attachments,
            max_bytes: settings.attachment_max_bytes(),
        },
        ..SyncConfig::default()
    };
    let mut planner = Planner::new(config, state, &store::query_ids().await?);
    let mut worker = Worker {
        backend: Backend::new(&settings.backend_url, Some(&token)),
        context: VoyagerContext::from_page(&store::page_meta().await?),
        lease,
        progress: None,
        push_options: PushOptions {
            attachments: settings.attachments,
        },
    };
    let report = drive(&mut planner, &mut worker, run_id, trigger).await;
    store::release_lease().await?;
    let report = report?;
    store::save_last_run(&report).await?;
    match worker.backend.report_run(&report).await {
        Err(BackendError::PairingRejected { refused, .. }) => store::reject_token(refused).await?,
        Err(error) => web_sys::console::warn_1(&error.to_string().into()),
        Ok(()) => {}
    }
    Ok(Some(report))
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

/// The worker during one run.
struct Worker {
    backend: Backend,
    /// The page headers of every Voyager call in this run, from the latest page visit.
    context: VoyagerContext,
    lease: Lease,
    progress: Option<Progress>,
    /// Sent with every push, so the backend names only the attachments the options allow.
    push_options: PushOptions,
}

impl Worker {
    async fn renew_lease(&mut self) -> Result<(), WorkerError> {
        if let Ok(lease) = acquire_lease(Some(&self.lease), &self.lease.holder, Utc::now()) {
            store::save_lease(&lease).await?;
            self.lease = lease;
        }
        Ok(())
    }

    /// The planner's view of a backend answer. A rejected token is forgotten here, the one
    /// place that learns of it during a run.
    async fn backend_answer<T>(
        result: Result<T, BackendError>,
    ) -> Result<Result<T, PushFailure>, WorkerError> {
        if let Err(BackendError::PairingRejected { refused, .. }) = &result {
            store::reject_token(*refused).await?;
        }
        Ok(result.map_err(convert::push_failure))
    }
}

/// The browser's two ways to Voyager; see `transport`.
struct BrowserTransport;

impl VoyagerHttp for BrowserTransport {
    type Error = WorkerError;

    async fn linkedin_session(&mut self) -> Result<Option<LinkedInSession>, WorkerError> {
        Ok(linkedin_session().await?)
    }

    async fn send(&mut self, request: &HttpRequest, via: Transport) -> HttpResponse {
        transport::send(request, via).await
    }
}

impl SyncHost for Worker {
    type Error = WorkerError;

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn session_fingerprint(&mut self) -> Result<Option<SessionFingerprint>, WorkerError> {
        Ok(session_fingerprint().await?)
    }

    async fn fetch(
        &mut self,
        fetch: &VoyagerFetch,
    ) -> Result<Result<VoyagerAnswer, VoyagerFailure>, WorkerError> {
        fetch_over_http(&mut BrowserTransport, &self.context, fetch).await
    }

    async fn push(
        &mut self,
        account: &Account,
        batch: &PushPlan,
    ) -> Result<Result<PushAck, PushFailure>, WorkerError> {
        let batch = convert::push_batch(&self.lease.holder, account, batch);
        let answer = self
            .backend
            .push(&batch, self.push_options)
            .await
            .map(convert::push_ack);
        Self::backend_answer(answer).await
    }

    async fn push_profiles(
        &mut self,
        lookups: &ProfileLookups,
    ) -> Result<Result<PushAck, PushFailure>, WorkerError> {
        let push = convert::backfill_push(lookups.clone(), Utc::now());
        let answer = self
            .backend
            .push_profiles(&push)
            .await
            .map(convert::profiles_ack);
        Self::backend_answer(answer).await
    }

    async fn transfer_avatar(
        &mut self,
        member: &ProfileUrn,
        url: &str,
    ) -> Result<Result<(), String>, WorkerError> {
        Ok(avatar::transfer(&self.backend, member, url).await)
    }

    async fn transfer_attachment(
        &mut self,
        attachment: &AttachmentRequest,
        max_bytes: u64,
    ) -> Result<AttachmentFetched, WorkerError> {
        let download = match attachment::download(attachment, max_bytes).await {
            Ok(download) => download,
            Err(outcome) => return Ok(outcome),
        };
        let answer = self
            .backend
            .upload_attachment(attachment, &download.content_type, &download.bytes)
            .await;
        Ok(match Self::backend_answer(answer).await? {
            Ok(_) => AttachmentFetched::Stored,
            Err(failure) => AttachmentFetched::NotUploaded(failure),
        })
    }

    async fn report_skipped_attachments(
        &mut self,
        skipped: &[AttachmentSkip],
    ) -> Result<Result<(), PushFailure>, WorkerError> {
        let answer = self.backend.report_skipped_attachments(skipped).await;
        Self::backend_answer(answer).await
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

    async fn save_state(&mut self, state: &SyncState) -> Result<(), WorkerError> {
        Ok(store::save_sync_state(state).await?)
    }

    async fn save_pace(&mut self, pace: &PaceLog) -> Result<(), WorkerError> {
        Ok(store::save_pace_log(pace).await?)
    }

    /// Renews the lease and publishes progress for the popup.
    async fn step_taken(&mut self, progress: Option<Progress>) -> Result<(), WorkerError> {
        self.renew_lease().await?;
        if progress != self.progress {
            if let Some(progress) = &progress {
                store::save_progress(progress).await?;
            }
            self.progress = progress;
        }
        Ok(())
    }
}
