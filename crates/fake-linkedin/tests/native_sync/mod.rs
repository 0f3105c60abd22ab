//! A native stand-in for the extension's service worker: it carries out ping-core's planner
//! actions over HTTP against a running fake LinkedIn, and an in-memory backend records what
//! was pushed. Shared by `tests/planner_sync.rs` and `benches/sync_requests.rs`.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use fake_linkedin::{AccountSpec, FakeConfig, FakeServer};
use ping_core::ids::{ConversationUrn, MessageUrn};
use ping_core::sync::{
    Planner, PushAck, PushPlan, RunOutcome, RunReport, SyncAction, SyncConfig, SyncEvent,
    SyncState, SyncTrigger,
};
use ping_core::voyager::{
    HttpResponse, LinkedInSession, QueryIdRegistry, VoyagerContext, build_request, interpret,
};

/// What the backend acknowledged: how often each message and conversation was pushed.
#[derive(Default)]
pub struct Backend {
    pub messages: BTreeMap<MessageUrn, u32>,
    pub conversations: BTreeSet<ConversationUrn>,
    /// Conversations reported deleted on LinkedIn.
    pub deleted: BTreeSet<ConversationUrn>,
    pub batches: u32,
}

impl Backend {
    pub fn accept(&mut self, batch: &PushPlan) -> PushAck {
        self.batches += 1;
        for message in &batch.messages {
            *self.messages.entry(message.urn.clone()).or_default() += 1;
        }
        self.conversations
            .extend(batch.conversations.iter().map(|c| c.urn.clone()));
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
    /// Waits are skipped: the clock jumps instead of the test sleeping.
    pub clock: DateTime<Utc>,
}

impl Harness {
    pub async fn start(conversations: usize, messages: std::ops::RangeInclusive<usize>) -> Self {
        let config = FakeConfig {
            account: AccountSpec {
                seed: 7,
                conversations,
                messages_per_conversation: messages,
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
            clock: DateTime::<Utc>::from(std::time::SystemTime::now()),
        }
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
    /// acknowledged batches and the last saved state is what survives.
    pub async fn sync(
        &mut self,
        saved: SyncState,
        stop_after_batches: Option<u32>,
    ) -> (SyncState, Option<RunReport>) {
        let mut planner = Planner::new(SyncConfig::default(), saved.clone(), &self.registry);
        let mut saved = saved;
        let start = SyncEvent::Start {
            run_id: format!("run-{}", self.clock.timestamp_millis()),
            trigger: SyncTrigger::Manual,
            logged_in: true,
        };
        let mut actions = planner.handle(start, self.clock);
        let batches_before = self.backend.batches;
        loop {
            let mut effect = None;
            for action in actions {
                match action {
                    SyncAction::SaveState => saved = planner.state().clone(),
                    SyncAction::Finish { report } => {
                        return (planner.state().clone(), Some(report));
                    }
                    other => effect = Some(other),
                }
            }
            if stop_after_batches
                .is_some_and(|limit| self.backend.batches - batches_before >= limit)
            {
                return (saved, None);
            }
            let event = match effect.expect("an effect or the end") {
                SyncAction::Fetch { call, query_id, .. } => {
                    let mailbox = planner
                        .state()
                        .account()
                        .map(|account| account.profile.clone());
                    let request = build_request(
                        &call,
                        mailbox.as_ref(),
                        query_id.as_ref(),
                        &self.session,
                        &self.context,
                    )
                    .unwrap();
                    let response = self.fetch(request).await;
                    SyncEvent::Fetched {
                        result: interpret(&call, &response),
                    }
                }
                SyncAction::Push { batch } => SyncEvent::Pushed {
                    result: Ok(self.backend.accept(&batch)),
                },
                SyncAction::PushProfiles { .. } => SyncEvent::Pushed {
                    result: Ok(PushAck::default()),
                },
                SyncAction::TransferAvatar { .. } => {
                    SyncEvent::AvatarTransferred { result: Ok(()) }
                }
                SyncAction::Wait { until } => {
                    self.clock = self.clock.max(until);
                    SyncEvent::Waited
                }
                other => unreachable!("{other:?} is handled above"),
            };
            actions = planner.handle(event, self.clock);
        }
    }

    pub async fn sync_to_completion(&mut self, state: SyncState) -> (SyncState, RunReport) {
        let (state, report) = self.sync(state, None).await;
        let report = report.expect("a sync without stops finishes");
        assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
        (state, report)
    }
}
