//! The one loop that runs a sync: the planner decides, a [`SyncHost`] carries out.
//!
//! The extension's service worker, the planner's simulation and the native test against
//! fake-linkedin are hosts; none of them loops over planner steps itself.

use chrono::{DateTime, Utc};

use super::Transport;
use super::attachments::{AttachmentRequest, AttachmentSkip};
use super::effects::{
    AttachmentFetched, Effect, Next, Outcome, ProfileLookups, PushAck, PushFailure, PushPlan,
    VoyagerFetch,
};
use super::pace::PaceLog;
use super::planner::{Planner, Progress};
use super::report::RunReport;
use super::state::SyncState;
use super::trigger::SyncTrigger;
use crate::ids::{ProfileUrn, SessionFingerprint};
use crate::model::Account;
use crate::voyager::{
    HttpRequest, HttpResponse, LinkedInSession, VoyagerAnswer, VoyagerContext, VoyagerFailure,
    build_request, interpret,
};

/// What a run needs from the world around it. Each effect method answers with the effect's
/// outcome; an `Err` is the host's own failure (its storage, or the worker being stopped) and
/// ends the run at once, leaving the last saved state to resume from.
#[allow(
    async_fn_in_trait,
    reason = "hosts are driven on one thread (the wasm worker, a test); no Send bound wanted"
)]
pub trait SyncHost {
    /// The host's own failure.
    type Error;

    /// The current time.
    fn now(&self) -> DateTime<Utc>;
    /// The browser's LinkedIn session right now, `None` without usable cookies: a fingerprint
    /// of it, never the cookie itself.
    async fn session_fingerprint(&mut self) -> Result<Option<SessionFingerprint>, Self::Error>;
    /// Asks LinkedIn; [`fetch_over_http`] is the way for hosts that speak HTTP.
    async fn fetch(
        &mut self,
        fetch: &VoyagerFetch,
    ) -> Result<Result<VoyagerAnswer, VoyagerFailure>, Self::Error>;
    /// Pushes one batch of `account`'s mailbox to the backend.
    async fn push(
        &mut self,
        account: &Account,
        batch: &PushPlan,
    ) -> Result<Result<PushAck, PushFailure>, Self::Error>;
    /// Pushes what the profile lookups found to the backend.
    async fn push_profiles(
        &mut self,
        lookups: &ProfileLookups,
    ) -> Result<Result<PushAck, PushFailure>, Self::Error>;
    /// Fetches an avatar with the user's session and uploads it to the backend.
    async fn transfer_avatar(
        &mut self,
        member: &ProfileUrn,
        url: &str,
    ) -> Result<Result<(), String>, Self::Error>;
    /// Fetches an attachment with the user's LinkedIn session (reading at most `max_bytes`) and
    /// uploads it to the backend. The bytes never come back to the planner.
    async fn transfer_attachment(
        &mut self,
        attachment: &AttachmentRequest,
        max_bytes: u64,
    ) -> Result<AttachmentFetched, Self::Error>;
    /// Tells the backend which attachments will not come, and why.
    async fn report_skipped_attachments(
        &mut self,
        skipped: &[AttachmentSkip],
    ) -> Result<Result<(), PushFailure>, Self::Error>;
    /// Returns at `until` (or at once, for a host whose clock it controls).
    async fn wait_until(&mut self, until: DateTime<Utc>) -> Result<(), Self::Error>;
    /// Persists the state: a checkpoint to resume from. Its pace log is saved apart.
    async fn save_state(&mut self, state: &SyncState) -> Result<(), Self::Error>;
    /// Persists the calls made, before each call goes (a stopped worker still counts it).
    async fn save_pace(&mut self, pace: &PaceLog) -> Result<(), Self::Error>;
    /// Called after every step with the run's progress (a place to publish it, or to renew a
    /// lease).
    async fn step_taken(&mut self, progress: Option<Progress>) -> Result<(), Self::Error> {
        let _ = progress;
        Ok(())
    }
}

/// Runs one sync of `planner`'s state for `trigger` until its report.
pub async fn drive<H: SyncHost>(
    planner: &mut Planner,
    host: &mut H,
    run_id: String,
    trigger: SyncTrigger,
) -> Result<RunReport, H::Error> {
    let session = host.session_fingerprint().await?;
    let mut step = planner.start(run_id, trigger, session, host.now());
    loop {
        host.step_taken(planner.progress()).await?;
        if step.save_state {
            host.save_state(planner.state()).await?;
        }
        if step.save_pace {
            host.save_pace(planner.state().pace()).await?;
        }
        let effect = match step.next {
            Next::Effect(effect) => effect,
            Next::Finished(report) => {
                host.save_state(planner.state()).await?;
                host.save_pace(planner.state().pace()).await?;
                return Ok(report);
            }
        };
        let outcome = perform(host, effect).await?;
        step = planner.handle(outcome, host.now());
    }
}

async fn perform<H: SyncHost>(host: &mut H, effect: Effect) -> Result<Outcome, H::Error> {
    Ok(match effect {
        Effect::Fetch(fetch) => Outcome::Fetched {
            result: host.fetch(&fetch).await?,
        },
        Effect::Push { account, batch } => Outcome::Pushed {
            result: host.push(&account, &batch).await?,
        },
        Effect::PushProfiles { lookups } => Outcome::Pushed {
            result: host.push_profiles(&lookups).await?,
        },
        Effect::TransferAvatar { member, url } => Outcome::AvatarTransferred {
            result: host.transfer_avatar(&member, &url).await?,
        },
        Effect::TransferAttachment {
            attachment,
            max_bytes,
        } => Outcome::AttachmentFetched {
            result: host.transfer_attachment(&attachment, max_bytes).await?,
        },
        Effect::ReportSkippedAttachments { skipped } => Outcome::SkipsReported {
            result: host.report_skipped_attachments(&skipped).await?,
        },
        Effect::Wait { until } => {
            host.wait_until(until).await?;
            Outcome::Waited
        }
    })
}

/// A way to reach Voyager over HTTP: the browser's transports, or a native client.
#[allow(
    async_fn_in_trait,
    reason = "hosts are driven on one thread (the wasm worker, a test); no Send bound wanted"
)]
pub trait VoyagerHttp {
    /// The host's own failure.
    type Error;

    /// The LinkedIn cookies, read fresh for every request (they rotate).
    async fn linkedin_session(&mut self) -> Result<Option<LinkedInSession>, Self::Error>;
    /// Sends the request; no answer at all is status 0 with the reason in the body.
    async fn send(&mut self, request: &HttpRequest, via: Transport) -> HttpResponse;
}

/// One Voyager call over HTTP: fresh cookies, the request, LinkedIn's answer interpreted.
pub async fn fetch_over_http<T: VoyagerHttp>(
    transport: &mut T,
    context: &VoyagerContext,
    fetch: &VoyagerFetch,
) -> Result<Result<VoyagerAnswer, VoyagerFailure>, T::Error> {
    let Some(session) = transport.linkedin_session().await? else {
        return Ok(Err(VoyagerFailure::SessionExpired));
    };
    let request = match build_request(
        &fetch.call,
        fetch.mailbox.as_ref(),
        fetch.query_id.as_ref(),
        &session,
        context,
    ) {
        Ok(request) => request,
        Err(error) => return Ok(Err(error.into())),
    };
    let response = transport.send(&request, fetch.via).await;
    Ok(interpret(&fetch.call, &response))
}
