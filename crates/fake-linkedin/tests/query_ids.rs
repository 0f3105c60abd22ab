//! Where the web client shows its query ids: the bundles on `static.licdn.com`, the
//! `/messaging/` page's own requests (all live ids, or the conversations ids only), each live
//! id answering its own variant; and ping-core's sync healing from what a page shows.

use std::collections::BTreeSet;

use fake_linkedin::{FakeServer, MessagingPage};
use ping_core::ids::QueryId;
use ping_core::sync::{RunOutcome, StopReason, SyncState};
use ping_core::voyager::{PageQueryIds, QueryIdRegistry};

use crate::common::*;
use crate::native_sync::Harness;

const STATIC_HOST: &str = "https://static.licdn.com/";

/// A page's HTML, fetched like a browser (cookies, no csrf header needed).
async fn page(server: &FakeServer, path: &str) -> String {
    get(server, path).await.text().await.unwrap()
}

/// The `src` of the page's scripts on the static host.
fn bundle_urls(html: &str) -> Vec<String> {
    html.split("<script src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|url| url.starts_with(STATIC_HOST))
        .map(str::to_owned)
        .collect()
}

/// The request URLs the messaging page's script fetches (`const urls = [...]`).
fn requested_urls(html: &str) -> Vec<String> {
    let list = html.split("const urls = ").nth(1).unwrap();
    let list = &list[..=list.find(']').unwrap()];
    let paths: Vec<String> = serde_json::from_str(list).unwrap();
    paths
        .into_iter()
        .map(|path| format!("https://www.linkedin.com{path}"))
        .collect()
}

/// GETs a static host URL from this server, as the browser (its host mapped) would.
async fn get_static(server: &FakeServer, url: &str) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .resolve("static.licdn.com", server.addr())
        .build()
        .unwrap();
    let path = url.strip_prefix(STATIC_HOST).unwrap();
    let port = server.addr().port();
    client
        .get(format!("http://static.licdn.com:{port}/{path}"))
        .send()
        .await
        .unwrap()
}

/// What the bundles of `html` declare, as the extension reads them.
async fn declared(server: &FakeServer, html: &str) -> Vec<QueryId> {
    let mut registry = QueryIdRegistry::builtin();
    for url in bundle_urls(html) {
        let response = get_static(server, &url).await;
        assert_eq!(response.status(), 200, "{url}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/javascript")
        );
        registry.learn_bundle(&url, &response.text().await.unwrap());
    }
    registry.declared().to_vec()
}

#[tokio::test]
async fn every_client_page_loads_bundles_that_declare_the_live_ids_among_decoys() {
    let server = start(3, 1..=2).await;
    let feed = page(&server, "/feed/").await;
    assert_eq!(
        bundle_urls(&feed).len(),
        2,
        "a vendor and a messaging bundle"
    );
    let declared = declared(&server, &feed).await;
    let live = server.live_query_ids();
    assert!(live.iter().all(|id| declared.contains(id)), "{declared:?}");
    for name in ["messengerConversations", "messengerMessages"] {
        let decoys = declared
            .iter()
            .filter(|id| id.name() == name && !live.contains(id))
            .count();
        assert!(decoys >= 2, "{name}: {declared:?}");
    }
    // The first messages id declared is not the newest-page one a client needs first.
    let first_messages = declared
        .iter()
        .find(|id| id.name() == "messengerMessages")
        .unwrap();
    assert_ne!(first_messages.to_string(), MESSAGES_ID);
}

#[tokio::test]
async fn a_rotation_moves_the_messaging_bundle_and_its_old_address_is_gone() {
    let server = start(3, 1..=2).await;
    let before = bundle_urls(&page(&server, "/feed/").await);
    let rotated = server.rotate_query_ids();
    let after = bundle_urls(&page(&server, "/feed/").await);
    assert_eq!(before[0], after[0], "the vendor bundle did not change");
    assert_ne!(before[1], after[1]);
    assert_eq!(get_static(&server, &before[1]).await.status(), 404);
    let declared = declared(&server, &page(&server, "/feed/").await).await;
    assert!(rotated.iter().all(|id| declared.contains(id)));
}

#[tokio::test]
async fn a_live_id_answers_its_own_variant_and_graphql_errors_to_another() {
    let server = start(3, 1..=2).await;
    let vars = format!("(mailboxUrn:{})", mailbox(&server));
    let own = get_json(&server, &graphql(CONVERSATIONS_ID, &vars)).await;
    assert!(collection(&own, "messengerConversationsBySyncToken").is_object());
    let other = get_json(&server, &graphql(CATEGORY_ID, &vars)).await;
    assert!(other["errors"][0]["message"].is_string(), "{other}");
    assert!(other.get("data").is_none());
}

#[tokio::test]
async fn in_the_conversations_only_rotation_the_messaging_page_names_no_messages_id() {
    let server = start(3, 1..=2).await;
    let live = server.rotate_query_ids_with(MessagingPage::ConversationsOnly);
    let messaging = page(&server, "/messaging/").await;
    let requested = requested_urls(&messaging);
    for id in &live {
        let named = requested.iter().any(|url| url.contains(&id.to_string()));
        assert_eq!(named, id.name() == "messengerConversations", "{id}");
    }
    // The page's own requests are each of their id's variant: LinkedIn answers them.
    for url in &requested {
        let path = url.strip_prefix("https://www.linkedin.com").unwrap();
        let answer = get_json(&server, path).await;
        assert!(answer["data"].is_object(), "{path}: {answer}");
    }
    let declared = declared(&server, &messaging).await;
    assert!(live.iter().all(|id| declared.contains(id)));
}

/// What the content script reports of the messaging page, and the worker learns from it: the
/// page's requests and inline ids, then the bundles it names.
async fn learn_messaging_page(harness: &mut Harness) {
    let html = page(&harness.server, "/messaging/").await;
    let shown = PageQueryIds {
        requested: requested_urls(&html),
        inline: Vec::new(),
        bundles: bundle_urls(&html),
    };
    for url in harness.registry.learn_page(&shown) {
        let text = get_static(&harness.server, &url)
            .await
            .text()
            .await
            .unwrap();
        harness.registry.learn_bundle(&url, &text);
    }
}

/// The query ids of the messaging requests since log entry `since` that LinkedIn refused: not
/// the live id of the variant their variables ask for (`live_query_ids` lists one per variant:
/// recent and category conversations, newest, anchored and cursor messages).
fn refused_ids(server: &FakeServer, since: usize) -> Vec<String> {
    let live: Vec<String> = server
        .live_query_ids()
        .iter()
        .map(ToString::to_string)
        .collect();
    let requests = server.requests();
    requests[since..]
        .iter()
        .filter(|request| request.path.ends_with("/voyagerMessagingGraphQL/graphql"))
        .filter_map(|request| {
            let param = |name: &str| {
                request
                    .query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix(name))
                    .unwrap_or_default()
            };
            let (id, variables) = (param("queryId="), param("variables="));
            let variant = match () {
                _ if variables.contains("query:") || variables.contains("category:") => 1,
                _ if id.starts_with("messengerConversations.") => 0,
                _ if variables.contains("deliveredAt:") => 3,
                _ if variables.contains("prevCursor:") => 4,
                _ => 2,
            };
            (live[variant] != id).then(|| id.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_sync_after_the_conversations_only_rotation_heals_from_the_bundle_and_the_next_refuses_nothing()
 {
    let mut harness = Harness::start(12, 0..=30).await;
    let (state, _) = harness.sync(SyncState::default(), None).await;
    harness
        .server
        .rotate_query_ids_with(MessagingPage::ConversationsOnly);
    harness.server.add_activity(2, 2);

    // What the page's own requests teach is not enough: no messages id.
    let html = page(&harness.server, "/messaging/").await;
    for url in requested_urls(&html) {
        harness.registry.observe_url(&url);
    }
    let (state, report) = harness.sync(state, None).await;
    assert_eq!(report.unwrap().outcome, RunOutcome::Failed);
    assert_eq!(state.stop_reason(), Some(&StopReason::LinkedInApiChanged));

    learn_messaging_page(&mut harness).await;
    let since = harness.server.requests().len();
    let (state, report) = harness.sync(state, None).await;
    assert_eq!(report.unwrap().outcome, RunOutcome::Completed);
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
    let refused = refused_ids(&harness.server, since);
    assert!(
        !refused.is_empty(),
        "the bundle's decoys cost some requests"
    );
    let healing_requests = harness.server.requests().len() - since;

    harness.server.add_activity(1, 1);
    let since = harness.server.requests().len();
    let (_, report) = harness.sync(state, None).await;
    assert_eq!(report.unwrap().outcome, RunOutcome::Completed);
    assert_eq!(refused_ids(&harness.server, since), Vec::<String>::new());
    eprintln!(
        "healing sync: {healing_requests} requests, {} refused ({refused:?}); next sync: {} requests",
        refused.len(),
        harness.server.requests().len() - since
    );
}
