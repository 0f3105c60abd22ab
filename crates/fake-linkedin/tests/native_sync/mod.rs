//! A native stand-in for the extension's service worker: it carries out ping-core's planner
//! actions over HTTP against a running fake LinkedIn, and an in-memory backend records what
//! was pushed. Shared by `tests/planner_sync.rs` and `benches/sync_requests.rs`.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use fake_linkedin::{AccountSpec, FakeConfig, FakeServer};
use ping_core::ids::{ConversationUrn, MessageUrn, ProfileUrn, SessionFingerprint};
use ping_core::model::{Account, ConversationFolder};
use ping_core::sync::attachments::{AttachmentRequest, AttachmentSkip};
use ping_core::sync::{
    AttachmentFetched, PaceLog, PacePreset, Planner, ProfileLookups, PushAck, PushFailure,
    PushPlan, RunOutcome, RunReport, StopReason, SyncConfig, SyncHost, SyncState, SyncTrigger,
    Transport, VoyagerFetch, VoyagerHttp, drive, fetch_over_http,
};
use ping_core::voyager::{
    HttpRequest, HttpResponse, LinkedInSession, QueryIdRegistry, VoyagerAnswer, VoyagerContext,
    VoyagerFailure,
};

/// What the backend acknowledged: how often each message and conversation was pushed.
#[derive(Default)]
pub struct Backend {
    pub messages: BTreeMap<MessageUrn, u32>,
    pub conversations: BTreeSet<ConversationUrn>,
    /// The folder of each conversation, as last pushed.
    pub folders: BTreeMap<ConversationUrn, ConversationFolder>,
    /// Conversations reported deleted on LinkedIn.
    pub deleted: BTreeSet<ConversationUrn>,
    pub batches: u32,
    /// When each message and conversation first arrived, by the harness's clock.
    pub message_arrived: BTreeMap<MessageUrn, DateTime<Utc>>,
    pub conversation_arrived: BTreeMap<ConversationUrn, DateTime<Utc>>,
}

impl Backend {
    pub fn accept(&mut self, batch: &PushPlan, now: DateTime<Utc>) -> PushAck {
        self.batches += 1;
        for message in &batch.messages {
            *self.messages.entry(message.urn.clone()).or_default() += 1;
            self.message_arrived
                .entry(message.urn.clone())
                .or_insert(now);
        }
        for conversation in &batch.conversations {
            self.conversations.insert(conversation.urn.clone());
            self.folders
                .insert(conversation.urn.clone(), conversation.folder());
            self.conversation_arrived
                .entry(conversation.urn.clone())
                .or_insert(now);
        }
        self.deleted.extend(batch.deleted.iter().cloned());
        PushAck::default()
    }
}

pub struct Harness {
    pub server: FakeServer,
    pub client: reqwest::Client,
    pub context: VoyagerContext,
    pub session: LinkedInSession,
    pub registry: QueryIdRegistry,
    pub backend: Backend,
    /// The pace of every run; the clock jumps over its gaps.
    pub pace: PacePreset,
    /// When each Voyager call went, by the clock.
    pub call_times: Vec<DateTime<Utc>>,
    /// Waits are skipped: the clock jumps instead of the test sleeping.
    pub clock: DateTime<Utc>,
    /// What starts each sync: Sync Now unless a test says otherwise.
    pub trigger: SyncTrigger,
}

impl Harness {
    pub async fn start(conversations: usize, messages: std::ops::RangeInclusive<usize>) -> Self {
        let config = FakeConfig {
            account: AccountSpec {
                seed: 7,
                conversations,
                messages_per_conversation: messages,
                ..AccountSpec::default()
            },
            ..FakeConfig::default()
        };
        let server = FakeServer::start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let session =
            LinkedInSession::from_cookies(Some(server.li_at()), Some(server.jsessionid())).unwrap();
        let context = VoyagerContext {
            base_url: server.base_url(),
            ..VoyagerContext::default()
        };
        // Redirects are LinkedIn's way of saying "logged out": they must be seen, not followed.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            server,
            client,
            context,
            session,
            registry: QueryIdRegistry::builtin(),
            backend: Backend::default(),
            pace: PacePreset::Compressed,
            call_times: Vec::new(),
            clock: DateTime::<Utc>::from(std::time::SystemTime::now()),
            trigger: SyncTrigger::Manual,
        }
    }

    /// Lets the pace's call budgets refill, as hours pass between a person's visits. A test that
    /// counts one sync's requests waits here first: a budget the last sync left spent would stop
    /// the next one partway, and its resumption starts a pass of its own.
    pub fn wait_for_budgets(&mut self) {
        let budgets = self.pace.policy().budgets;
        self.clock += budgets
            .iter()
            .map(|budget| budget.window)
            .max()
            .unwrap_or_default();
    }

    pub fn expected_messages(&self) -> BTreeSet<MessageUrn> {
        let snapshot = self.server.snapshot();
        snapshot
            .conversations
            .into_iter()
            .flat_map(|c| c.messages)
            .collect()
    }

    pub fn voyager_requests(&self, query_name: &str) -> Vec<String> {
        let needle = format!("queryId={query_name}.");
        self.server
            .requests()
            .into_iter()
            .map(|r| r.query)
            .filter(|q| q.contains(&needle))
            .collect()
    }

    pub async fn fetch(&self, request: ping_core::voyager::HttpRequest) -> HttpResponse {
        // A browser attaches LinkedIn's cookies itself; a native client sends them.
        let cookie = format!(
            "li_at={}; JSESSIONID={}",
            self.server.li_at(),
            self.server.jsessionid()
        );
        let mut builder = self.client.get(&request.url).header("cookie", cookie);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        match builder.send().await {
            Ok(response) => HttpResponse {
                status: response.status().as_u16(),
                headers: response
                    .headers()
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.to_string(),
                            value.to_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect(),
                body: response.text().await.unwrap_or_default(),
                redirected_to: None,
            },
            Err(error) => HttpResponse {
                status: 0,
                body: error.to_string(),
                ..HttpResponse::default()
            },
        }
    }

    /// Runs one sync; with `stop_after_batches`, the worker "stops" right after that many
    /// acknowledged batches and the last saved state is what survives. A run that spends the
    /// call budget is resumed once the budget frees, as the next page visit would; the report
    /// then counts what all those runs did.
    pub async fn sync(
        &mut self,
        mut saved: SyncState,
        stop_after_batches: Option<u32>,
    ) -> (SyncState, Option<RunReport>) {
        let batches_before = self.backend.batches;
        let mut earlier: Option<RunReport> = None;
        loop {
            let config = SyncConfig {
                pace: self.pace,
                ..SyncConfig::default()
            };
            // The extension resumes after a spent budget at the next page visit.
            let trigger = if earlier.is_some() {
                SyncTrigger::PageVisit
            } else {
                self.trigger
            };
            let mut planner = Planner::new(config, saved.clone(), &self.registry);
            let run_id = format!("run-{}", self.clock.timestamp_millis());
            let mut host = NativeWorker {
                harness: self,
                saved,
                stop_after_batches,
                batches_before,
            };
            let mut report = match drive(&mut planner, &mut host, run_id, trigger).await {
                Ok(report) => report,
                Err(Stopped) => return (host.saved, None),
            };
            if let Some(earlier) = earlier.take() {
                report.conversations_processed += earlier.conversations_processed;
                report.messages_processed += earlier.messages_processed;
                report.requests_made += earlier.requests_made;
                report.started_at = earlier.started_at;
            }
            let state = planner.state().clone();
            match state.stop_reason() {
                Some(StopReason::BudgetSpent { until }) => {
                    self.clock = *until;
                    saved = state;
                    earlier = Some(report);
                }
                _ => return (state, Some(report)),
            }
        }
    }

    pub async fn sync_to_completion(&mut self, state: SyncState) -> (SyncState, RunReport) {
        let (state, report) = self.sync(state, None).await;
        let report = report.expect("a sync without stops finishes");
        assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
        (state, report)
    }
}

/// The test stopped the worker.
pub struct Stopped;

/// The service worker's part, natively: Voyager over HTTP, the in-memory backend, a clock that
/// jumps over waits.
struct NativeWorker<'a> {
    harness: &'a mut Harness,
    saved: SyncState,
    stop_after_batches: Option<u32>,
    batches_before: u32,
}

impl NativeWorker<'_> {
    /// Stops the worker before its next effect once enough batches were acknowledged.
    fn effect(&self) -> Result<(), Stopped> {
        let batches = self.harness.backend.batches - self.batches_before;
        match self.stop_after_batches {
            Some(limit) if batches >= limit => Err(Stopped),
            _ => Ok(()),
        }
    }
}

/// A native client with the session's cookies.
struct NativeTransport<'a>(&'a Harness);

impl VoyagerHttp for NativeTransport<'_> {
    type Error = Stopped;

    async fn linkedin_session(&mut self) -> Result<Option<LinkedInSession>, Stopped> {
        Ok(Some(self.0.session.clone()))
    }

    async fn send(&mut self, request: &HttpRequest, _via: Transport) -> HttpResponse {
        self.0.fetch(request.clone()).await
    }
}

impl SyncHost for NativeWorker<'_> {
    type Error = Stopped;

    fn now(&self) -> DateTime<Utc> {
        self.harness.clock
    }

    async fn session_fingerprint(&mut self) -> Result<Option<SessionFingerprint>, Stopped> {
        Ok(Some(
            SessionFingerprint::parse("native-session").expect("a fingerprint"),
        ))
    }

    async fn fetch(
        &mut self,
        fetch: &VoyagerFetch,
    ) -> Result<Result<VoyagerAnswer, VoyagerFailure>, Stopped> {
        self.effect()?;
        self.harness.call_times.push(self.harness.clock);
        let harness = &*self.harness;
        fetch_over_http(&mut NativeTransport(harness), &harness.context, fetch).await
    }

    async fn push(
        &mut self,
        _account: &Account,
        batch: &PushPlan,
    ) -> Result<Result<PushAck, PushFailure>, Stopped> {
        self.effect()?;
        let now = self.harness.clock;
        Ok(Ok(self.harness.backend.accept(batch, now)))
    }

    async fn push_profiles(
        &mut self,
        _lookups: &ProfileLookups,
    ) -> Result<Result<PushAck, PushFailure>, Stopped> {
        self.effect()?;
        Ok(Ok(PushAck::default()))
    }

    async fn transfer_avatar(
        &mut self,
        _member: &ProfileUrn,
        _url: &str,
    ) -> Result<Result<(), String>, Stopped> {
        self.effect()?;
        Ok(Ok(()))
    }

    /// This backend names no attachments; were it to, the download is real and the upload is
    /// dropped.
    async fn transfer_attachment(
        &mut self,
        attachment: &AttachmentRequest,
        max_bytes: u64,
    ) -> Result<AttachmentFetched, Stopped> {
        self.effect()?;
        self.harness.call_times.push(self.harness.clock);
        let request = HttpRequest {
            url: attachment.url.clone(),
            headers: vec![],
        };
        let response = self.harness.fetch(request).await;
        let byte_size = response.body.len() as u64;
        Ok(match response.status {
            200..=299 if byte_size > max_bytes => AttachmentFetched::TooLarge { byte_size },
            200..=299 => AttachmentFetched::Stored,
            _ => AttachmentFetched::Refused(response),
        })
    }

    async fn report_skipped_attachments(
        &mut self,
        _skipped: &[AttachmentSkip],
    ) -> Result<Result<(), PushFailure>, Stopped> {
        self.effect()?;
        Ok(Ok(()))
    }

    async fn wait_until(&mut self, until: DateTime<Utc>) -> Result<(), Stopped> {
        self.effect()?;
        self.harness.clock = self.harness.clock.max(until);
        Ok(())
    }

    async fn save_state(&mut self, state: &SyncState) -> Result<(), Stopped> {
        self.saved = state.clone().with_pace(self.saved.pace().clone());
        Ok(())
    }

    async fn save_pace(&mut self, pace: &PaceLog) -> Result<(), Stopped> {
        self.saved = std::mem::take(&mut self.saved).with_pace(pace.clone());
        Ok(())
    }
}
