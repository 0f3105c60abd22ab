//! The sync planner of ping-core driving a running fake LinkedIn over HTTP, with no browser: a
//! small loop carries out the planner's actions (the extension's service worker does the same
//! with `fetch`) and an in-memory backend records what was pushed.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use fake_linkedin::{AccountSpec, FakeConfig, FakeServer, Fault};
use ping_core::ids::{ConversationUrn, MessageUrn};
use ping_core::sync::{
    Planner, PushAck, PushPlan, RunOutcome, RunReport, StopReason, SyncAction, SyncConfig,
    SyncEvent, SyncState, SyncTrigger,
};
use ping_core::voyager::{
    HttpResponse, LinkedInSession, QueryIdRegistry, VoyagerContext, build_request, interpret,
};

/// What the backend acknowledged: how often each message and conversation was pushed.
#[derive(Default)]
struct Backend {
    messages: BTreeMap<MessageUrn, u32>,
    conversations: BTreeSet<ConversationUrn>,
    batches: u32,
}

impl Backend {
    fn accept(&mut self, batch: &PushPlan) -> PushAck {
        self.batches += 1;
        for message in &batch.messages {
            *self.messages.entry(message.urn.clone()).or_default() += 1;
        }
        self.conversations
            .extend(batch.conversations.iter().map(|c| c.urn.clone()));
        PushAck::default()
    }
}

struct Harness {
    server: FakeServer,
    client: reqwest::Client,
    context: VoyagerContext,
    session: LinkedInSession,
    registry: QueryIdRegistry,
    backend: Backend,
    /// Waits are skipped: the clock jumps instead of the test sleeping.
    clock: DateTime<Utc>,
}

impl Harness {
    async fn start(conversations: usize, messages: std::ops::RangeInclusive<usize>) -> Self {
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

    fn expected_messages(&self) -> BTreeSet<MessageUrn> {
        let snapshot = self.server.snapshot();
        snapshot
            .conversations
            .into_iter()
            .flat_map(|c| c.messages)
            .collect()
    }

    fn voyager_requests(&self, query_name: &str) -> Vec<String> {
        let needle = format!("queryId={query_name}.");
        self.server
            .requests()
            .into_iter()
            .map(|r| r.query)
            .filter(|q| q.contains(&needle))
            .collect()
    }

    async fn fetch(&self, request: ping_core::voyager::HttpRequest) -> HttpResponse {
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
    async fn sync(
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

    async fn sync_to_completion(&mut self, state: SyncState) -> (SyncState, RunReport) {
        let (state, report) = self.sync(state, None).await;
        let report = report.expect("a sync without stops finishes");
        assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
        (state, report)
    }
}

#[tokio::test]
async fn a_first_sync_takes_everything_once_and_later_syncs_only_what_changed() {
    let mut harness = Harness::start(500, 0..=80).await;
    let expected = harness.expected_messages();
    assert!(
        expected.len() >= 18_000,
        "the account has {} messages",
        expected.len()
    );

    let (state, report) = harness.sync_to_completion(SyncState::default()).await;
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, expected);
    assert!(
        harness.backend.messages.values().all(|&count| count == 1),
        "a message was pushed twice"
    );
    assert_eq!(harness.backend.conversations.len(), 500);
    assert_eq!(report.messages_processed as usize, expected.len());

    harness.server.clear_requests();
    let (state, report) = harness.sync_to_completion(state).await;
    assert_eq!(harness.voyager_requests("messengerConversations").len(), 1);
    assert!(harness.voyager_requests("messengerMessages").is_empty());
    assert_eq!(report.messages_processed, 0);

    let changed = harness.server.add_activity(3, 2);
    harness.server.clear_requests();
    let (_, report) = harness.sync_to_completion(state).await;
    let asked: BTreeSet<ConversationUrn> = harness
        .voyager_requests("messengerMessages")
        .iter()
        .map(|query| conversation_in(query))
        .collect();
    assert_eq!(asked, changed.into_iter().collect());
    assert_eq!(report.messages_processed, 6);
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
    assert!(harness.backend.messages.values().all(|&count| count == 1));
}

#[tokio::test]
async fn a_sync_interrupted_after_every_batch_resumes_to_the_same_result() {
    let mut harness = Harness::start(500, 0..=80).await;
    let mut state = SyncState::default();
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs < 200, "the resumed sync makes no progress");
        let (saved, report) = harness.sync(state, Some(1)).await;
        state = saved;
        if let Some(report) = report {
            assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
            break;
        }
    }
    assert!(runs > 30, "only {runs} runs: batches were not interrupted");
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
    assert!(
        harness.backend.messages.values().all(|&count| count == 1),
        "a resumed sync pushed a message twice"
    );
}

#[tokio::test]
async fn a_sync_under_throttling_and_server_errors_backs_off_and_finishes() {
    let mut harness = Harness::start(60, 0..=40).await;
    harness.server.inject(
        Fault::TooManyRequests {
            retry_after_secs: Some(3),
            challenge: false,
        },
        3,
    );
    let started = harness.clock;
    let (_, first) = harness.sync_to_completion(SyncState::default()).await;
    assert!(
        harness.clock - started >= chrono::Duration::seconds(9),
        "it did not wait out Retry-After"
    );

    let mut harness = Harness::start(60, 0..=40).await;
    harness.server.inject(Fault::ServerError, 2);
    harness.server.inject(Fault::RequestDenied, 1);
    let (_, second) = harness.sync_to_completion(SyncState::default()).await;
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
    assert!(second.requests_made > first.requests_made - 3);
}

#[tokio::test]
async fn a_long_retry_after_stops_the_run_and_keeps_its_checkpoint() {
    let mut harness = Harness::start(60, 0..=40).await;
    let (state, _) = harness.sync(SyncState::default(), Some(1)).await;
    harness.server.inject(
        Fault::TooManyRequests {
            retry_after_secs: Some(900),
            challenge: false,
        },
        1,
    );
    let (state, report) = harness.sync(state, None).await;
    assert_eq!(report.unwrap().outcome, RunOutcome::Interrupted);
    assert!(matches!(
        state.stop_reason(),
        Some(StopReason::LinkedInThrottled { .. })
    ));
    assert!(state.has_unfinished_pass());
    harness.clock += chrono::Duration::minutes(15);
    harness.sync_to_completion(state).await;
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
}

#[tokio::test]
async fn rotated_query_ids_are_healed_by_the_ids_the_page_uses() {
    let mut harness = Harness::start(30, 0..=30).await;
    let (state, _) = harness.sync_to_completion(SyncState::default()).await;
    let rotated = harness.server.rotate_query_ids();
    harness.server.add_activity(2, 1);

    let (state, report) = harness.sync(state, None).await;
    assert_eq!(report.unwrap().outcome, RunOutcome::Failed);
    assert_eq!(state.stop_reason(), Some(&StopReason::LinkedInApiChanged));

    // What the content script reports from the messaging page's own requests.
    for id in &rotated {
        harness.registry.observe_url(&format!("https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql?queryId={id}&variables=()"));
    }
    harness.sync_to_completion(state).await;
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
}

#[tokio::test]
async fn a_revoked_linkedin_session_stops_the_sync_with_a_reason() {
    let mut harness = Harness::start(10, 0..=5).await;
    harness.server.revoke_session(true);
    let (state, report) = harness.sync(SyncState::default(), None).await;
    assert_eq!(report.unwrap().outcome, RunOutcome::Failed);
    assert_eq!(
        state.stop_reason(),
        Some(&StopReason::LinkedInSessionExpired)
    );
    harness.server.revoke_session(false);
    harness.sync_to_completion(state).await;
}

/// The conversation URN inside a messages request's percent-encoded `variables`.
fn conversation_in(query: &str) -> ConversationUrn {
    let decoded = percent_encoding::percent_decode_str(query)
        .decode_utf8()
        .unwrap();
    let start = decoded.find("urn:li:msg_conversation:").unwrap();
    let urn = &decoded[start..];
    let end = urn.find(')').unwrap() + 1;
    ConversationUrn::parse(&urn[..end]).unwrap()
}
