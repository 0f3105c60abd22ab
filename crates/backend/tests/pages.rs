//! The web UI at scale: the contacts list and the timelines come one page at a time (newest
//! first, keyset cursors in "Older" links) on both stores, and page loads read through their own
//! pool, so a push never waits for them.

use std::time::Duration as StdDuration;

use axum::http::StatusCode;
use chrono::Duration;
use ping_backend::ingest::prepare_batch;
use ping_backend::store::sql::SqlStore;
use ping_backend::store::*;
use ping_protocol::PushBatch;

use crate::fixtures::*;
use crate::helpers::{TestApp, start_time};

const CONTACTS: u32 = 120;
const GROUP_MESSAGES: usize = 120;

/// `CONTACTS` one-to-one conversations of one message each (contact `n` wrote `n` minutes
/// ago), a group with contacts 0 and 1 and `GROUP_MESSAGES` older messages, and a conversation
/// with nobody's messages yet.
fn library() -> PushBatch {
    let t = start_time();
    let mut conversations = Vec::new();
    let mut messages = Vec::new();
    for n in 0..CONTACTS {
        let thread = format!("2-c{n}");
        let who = member(n + 10);
        let at = t - Duration::minutes(i64::from(n) + 1);
        conversations.push(conversation(&thread, &[(&who, &format!("P{n:03}"))], at));
        messages.push(message(
            &thread,
            &format!("2-c{n}m"),
            &who,
            &format!("note {n}"),
            at,
        ));
    }
    let (first, second) = (member(10), member(11));
    let group = [(&first, "P000"), (&second, "P001")];
    conversations.push(conversation("2-g", &group, t - Duration::days(1)));
    for k in 0..GROUP_MESSAGES {
        let at = t - Duration::days(2) - Duration::minutes(k as i64);
        let sender = if k % 2 == 0 { first.clone() } else { owner() };
        messages.push(message(
            "2-g",
            &format!("2-g{k}"),
            &sender,
            &format!("group {k}"),
            at,
        ));
    }
    let quiet = member(500);
    conversations.push(conversation(
        "2-q",
        &[(&quiet, "Quiet")],
        t - Duration::days(3),
    ));
    batch(conversations, messages)
}

async fn stocked(store: &SqlStore, email: &str) -> ping_backend::ids::UserId {
    let user = store
        .create_user(email, "hash", start_time())
        .await
        .unwrap();
    let (batch, _) = prepare_batch(serde_json::from_value(to_json(&library())).unwrap());
    store
        .ingest_batch(user, &batch, start_time())
        .await
        .unwrap();
    user
}

/// The keyset pages every store must give: whole, in order, without repeats, newest first.
pub async fn pagination(store: &SqlStore) {
    let ada = stocked(store, "ada@example.com").await;
    let bob = store
        .create_user("bob@example.com", "hash", start_time())
        .await
        .unwrap();

    // The contacts list walked page by page is the unpaginated list, in the same order.
    let whole: Vec<String> = store
        .list_contacts(ada)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    assert_eq!(whole.len(), CONTACTS as usize + 1);
    let mut walked = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = store.contacts_page(ada, after, 50).await.unwrap();
        assert!(page.items.len() <= 50);
        pages += 1;
        walked.extend(page.items.iter().map(|c| c.display_name.clone()));
        if pages == 1 {
            assert_eq!(page.items[0].display_name, "P000 Example", "newest first");
            assert_eq!(page.items[0].last_message.as_deref(), Some("note 0"));
        }
        match page.older {
            Some(cursor) => after = Some(Cursor::parse(&cursor).unwrap()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(walked, whole);
    assert_eq!(walked.last().map(String::as_str), Some("Quiet Example"));

    // A group's messages, newest first, 50 at a time, with a capped list of participants.
    let group = store
        .list_contacts(ada)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.display_name == "P001 Example")
        .unwrap();
    let heads = store
        .contact_conversation_heads(ada, group.id, 10)
        .await
        .unwrap();
    assert_eq!(heads.len(), 2);
    let group_id = heads.iter().find(|h| h.group_chat).unwrap().id;
    assert_eq!(
        heads
            .iter()
            .find(|h| h.group_chat)
            .unwrap()
            .participant_count,
        2
    );
    let mut bodies = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .conversation_page(ada, group_id, before, 50, 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(page.participants.len(), 1);
        assert_eq!(page.head.participant_count, 2);
        bodies.extend(page.messages.items.iter().map(|m| m.body.clone()));
        match page.messages.older {
            Some(cursor) => before = Some(Cursor::parse(&cursor).unwrap()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..GROUP_MESSAGES).map(|k| format!("group {k}")).collect();
    assert_eq!(bodies, expected);

    // A contact's timeline merges their conversations, newest first.
    let mut timeline = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .contact_timeline(ada, group.id, before, 50)
            .await
            .unwrap();
        timeline.extend(page.items.iter().map(|m| m.message.body.clone()));
        match page.older {
            Some(cursor) => before = Some(Cursor::parse(&cursor).unwrap()),
            None => break,
        }
    }
    assert_eq!(timeline.len(), GROUP_MESSAGES + 1);
    assert_eq!(timeline[0], "note 1");
    assert_eq!(timeline[1..], expected[..]);

    // Another user sees none of it.
    assert!(
        store
            .contacts_page(bob, None, 50)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        store
            .conversation_page(bob, group_id, None, 50, 10)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .contact_timeline(bob, group.id, None, 50)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn the_sqlite_store_pages_by_keyset() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    pagination(&store).await;
    store.close().await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_store_pages_by_keyset() {
    use crate::store_contract::postgres::{drop_schema, scratch_store};
    let Some((store, admin, schema)) = scratch_store().await else {
        return;
    };
    pagination(&store).await;
    drop_schema(store, admin, schema).await;
}

/// The hrefs of a page's "Older" links.
fn older_link(html: &str) -> Option<String> {
    html.split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
}

/// Follows a page's "Older" links to the end: how many pages, and the text after every
/// `marker` up to the next tag, in order. No page shows more than 50 rows.
pub async fn walk(app: &TestApp, cookie: &str, first: &str, marker: &str) -> (usize, Vec<String>) {
    let (mut pages, mut texts) = (0, Vec::new());
    let mut path = first.to_owned();
    loop {
        let (status, html) = app.page(&path, cookie).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        pages += 1;
        let before = texts.len();
        texts.extend(
            html.split(marker)
                .skip(1)
                .filter_map(|rest| rest.split('<').next())
                .map(str::to_owned),
        );
        assert!(texts.len() - before <= 50, "{path}");
        match older_link(&html) {
            Some(next) => path = next,
            None => return (pages, texts),
        }
    }
}

#[tokio::test]
async fn the_contacts_list_and_timelines_come_in_pages_with_older_links() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    let (status, _) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&library()))
        .await;
    assert_eq!(status, StatusCode::OK);

    // The contacts list: 50 rows a page, the newest first, "Older" to the end.
    let (pages, seen) = walk(&app, &browser.cookie, "/contacts", "<span class=\"name\">").await;
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), CONTACTS as usize + 1);
    assert_eq!(seen[0], "P000 Example");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no contact twice");

    // A contact in a group: their conversations, then 50 messages a page, the newest first.
    let (_, contact) = app.page("/contacts", &browser.cookie).await;
    let href = contact
        .split("href=\"/contacts/")
        .nth(2)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let (status, page) = app
        .page(&format!("/contacts/{href}"), &browser.cookie)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("P001 Example"));
    assert!(page.contains("group · 3 people"));
    let (pages, timeline) = walk(
        &app,
        &browser.cookie,
        &format!("/contacts/{href}"),
        "<p class=\"body\">",
    )
    .await;
    assert_eq!((pages, timeline.len()), (3, GROUP_MESSAGES + 1));
    assert_eq!(timeline[0], "note 1");

    // The group itself: 50 messages a page, the newest first.
    let group = page
        .split("href=\"/conversations/")
        .filter_map(|rest| rest.split_once("\">Group conversation<"))
        .map(|(id, _)| id.to_owned())
        .next()
        .expect("a link to the group");
    let (pages, bodies) = walk(
        &app,
        &browser.cookie,
        &format!("/conversations/{group}"),
        "<p class=\"body\">",
    )
    .await;
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..GROUP_MESSAGES).map(|k| format!("group {k}")).collect();
    assert_eq!(bodies, expected);
}

#[tokio::test]
async fn a_push_completes_while_page_loads_hold_every_read_connection() {
    let app = TestApp::new().await;
    let (_browser, token) = app.paired_user("ada@example.com").await;
    // Every connection the pages read through is taken, as by long page loads.
    let read_pool = app.store.read_pool().clone();
    let mut held = Vec::new();
    for _ in 0..read_pool.options().get_max_connections() {
        held.push(read_pool.acquire().await.unwrap());
    }
    let push = app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()));
    let (status, body) = tokio::time::timeout(StdDuration::from_secs(5), push)
        .await
        .expect("the push does not wait for page loads");
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["messages"]["created"], 3, "{body}");
    drop(held);
}
