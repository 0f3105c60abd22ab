//! Each conversation keeps the LinkedIn folder it is in (inbox, other, archived, spam): a push
//! files it and moves it, the conversations list filters by folder in keyset pages with a count
//! per folder, the conversation page and the JSON export name it, and conversations stored
//! before the folder existed learn it from their stored categories. On both stores.

use axum::http::StatusCode;
use chrono::Duration;
use ping_backend::ids::UserId;
use ping_backend::ingest::prepare_batch;
use ping_backend::store::sql::SqlStore;
use ping_backend::store::*;
use ping_core::model::{Conversation, ConversationFolder};
use ping_protocol::PushBatch;
use serde_json::Value;

use crate::fixtures::*;
use crate::helpers::{TestApp, start_time};
use crate::pages::walk;

/// Inbox and archived conversations each, more than a page of either.
const PER_FOLDER: u32 = 65;

/// A one-to-one conversation with member `n` (named `P<n>`) in the given categories.
fn filed(n: u32, at: chrono::DateTime<chrono::Utc>, categories: &[&str]) -> Conversation {
    let who = member(n + 10);
    let mut filed = conversation(&format!("2-c{n}"), &[(&who, &format!("P{n:03}"))], at);
    filed.categories = categories.iter().map(|c| (*c).to_owned()).collect();
    filed
}

const INBOX: &[&str] = &["INBOX", "PRIMARY_INBOX"];
const ARCHIVED: &[&str] = &["ARCHIVE", "INMAIL"];
const REQUEST: &[&str] = &["INBOX", "SECONDARY_INBOX", "INMAIL"];
const SPAM: &[&str] = &["INBOX", "SPAM"];

/// Conversation `n` (0 the newest) is in the inbox when `n` is even, archived when it is odd,
/// up to `2 * PER_FOLDER`; then three message requests and one spam, older still.
fn mailbox() -> PushBatch {
    let t = start_time();
    let mut conversations: Vec<Conversation> = (0..2 * PER_FOLDER)
        .map(|n| {
            let categories = if n % 2 == 0 { INBOX } else { ARCHIVED };
            filed(n, t - Duration::minutes(i64::from(n)), categories)
        })
        .collect();
    let older = t - Duration::days(1);
    for n in 200..203 {
        conversations.push(filed(n, older - Duration::minutes(i64::from(n)), REQUEST));
    }
    conversations.push(filed(300, older - Duration::days(1), SPAM));
    batch(conversations, vec![])
}

/// The names of the conversations `n` lists (`P<n> Example`).
fn names(numbers: impl Iterator<Item = u32>) -> Vec<String> {
    numbers.map(|n| format!("P{n:03} Example")).collect()
}

async fn push(store: &SqlStore, user: UserId, batch: &PushBatch) {
    let (batch, rejected) = prepare_batch(serde_json::from_value(to_json(batch)).unwrap());
    assert!(rejected.is_empty(), "{rejected:?}");
    store
        .ingest_batch(user, &batch, start_time())
        .await
        .unwrap();
}

/// Every page of the conversations list of one folder (or all): how many pages, and the rows.
async fn walk_list(
    store: &SqlStore,
    user: UserId,
    folder: Option<ConversationFolder>,
) -> (usize, Vec<ConversationSummary>) {
    let (mut pages, mut rows, mut after) = (0, Vec::new(), None);
    loop {
        let page = store
            .conversations_page(user, folder, after, 50)
            .await
            .unwrap();
        pages += 1;
        rows.extend(page.items);
        match page.older {
            Some(cursor) => after = Some(Cursor::parse(&cursor).unwrap()),
            None => return (pages, rows),
        }
    }
}

fn counts(inbox: u64, other: u64, archived: u64, spam: u64) -> Vec<FolderCount> {
    let folders = ConversationFolder::ALL;
    [inbox, other, archived, spam]
        .iter()
        .zip(folders)
        .map(|(count, folder)| FolderCount {
            folder,
            count: *count,
        })
        .collect()
}

async fn folder_of(store: &SqlStore, user: UserId, thread: &str) -> ConversationFolder {
    let urn = conversation_urn(thread).to_string();
    store
        .all_conversations(user)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.urn == urn)
        .expect("stored")
        .folder
}

/// What every store must do with folders.
async fn folders(store: &SqlStore) {
    let ada = store
        .create_user("ada@example.com", "hash", start_time())
        .await
        .unwrap();
    let bob = store
        .create_user("bob@example.com", "hash", start_time())
        .await
        .unwrap();
    push(store, ada, &mailbox()).await;
    assert_eq!(
        store.folder_counts(ada).await.unwrap(),
        counts(65, 3, 65, 1)
    );

    // One folder's pages hold that folder only, newest first, each conversation once.
    let (pages, archived) = walk_list(store, ada, Some(ConversationFolder::Archived)).await;
    assert_eq!(pages, 2);
    let archived_names: Vec<String> = archived
        .iter()
        .map(|c| c.first_participant.clone().unwrap())
        .collect();
    assert_eq!(
        archived_names,
        names((0..2 * PER_FOLDER).filter(|n| n % 2 == 1))
    );
    assert!(
        archived
            .iter()
            .all(|c| c.head.folder == ConversationFolder::Archived)
    );
    let (_, requests) = walk_list(store, ada, Some(ConversationFolder::Other)).await;
    assert_eq!(requests.len(), 3);

    // All folders: every conversation once, newest first; a folder is its part of that list.
    let (pages, all) = walk_list(store, ada, None).await;
    assert_eq!((pages, all.len()), (3, 134));
    assert!(
        all.windows(2)
            .all(|w| w[0].head.last_activity_at >= w[1].head.last_activity_at)
    );
    let archived_in_all: Vec<_> = all
        .iter()
        .filter(|c| c.head.folder == ConversationFolder::Archived)
        .map(|c| c.head.id)
        .collect();
    assert_eq!(
        archived_in_all,
        archived.iter().map(|c| c.head.id).collect::<Vec<_>>()
    );

    // Moved on LinkedIn, moved in the CRM: unarchived, then marked as spam.
    let t = start_time();
    push(store, ada, &batch(vec![filed(1, t, INBOX)], vec![])).await;
    assert_eq!(
        folder_of(store, ada, "2-c1").await,
        ConversationFolder::Inbox
    );
    assert_eq!(
        store.folder_counts(ada).await.unwrap(),
        counts(66, 3, 64, 1)
    );
    push(store, ada, &batch(vec![filed(1, t, SPAM)], vec![])).await;
    assert_eq!(
        folder_of(store, ada, "2-c1").await,
        ConversationFolder::Spam
    );
    let (_, spam) = walk_list(store, ada, Some(ConversationFolder::Spam)).await;
    assert_eq!(
        spam.iter()
            .map(|c| c.first_participant.clone().unwrap())
            .collect::<Vec<_>>(),
        names([1, 300].into_iter())
    );
    let head = store
        .conversation_page(ada, spam[0].head.id, None, 50, 10)
        .await
        .unwrap()
        .unwrap()
        .head;
    assert_eq!(head.folder, ConversationFolder::Spam);

    // Another user has none.
    assert_eq!(store.folder_counts(bob).await.unwrap(), counts(0, 0, 0, 0));
    assert!(walk_list(store, bob, None).await.1.is_empty());
}

#[tokio::test]
async fn the_sqlite_store_files_moves_and_lists_conversations_by_folder() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("folders.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    folders(&store).await;
    store.close().await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_store_files_moves_and_lists_conversations_by_folder() {
    use crate::store_contract::postgres::{drop_schema, scratch_store};
    let Some((store, admin, schema)) = scratch_store().await else {
        return;
    };
    folders(&store).await;
    drop_schema(store, admin, schema).await;
}

/// The version of the migration that added folders: a database before it holds conversations
/// without one.
const FOLDER_MIGRATION: i64 = 20261201100000;

/// A database migrated up to the folder migration, with a conversation of each kind stored by
/// an older backend (and one imported, whose record holds no categories); then the store opens
/// it and finishes the migrations.
async fn stored_before_folders(url: &str, dialect: &str) -> (SqlStore, UserId) {
    sqlx::any::install_default_drivers();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dialect);
    let mut migrator = sqlx::migrate::Migrator::new(dir).await.unwrap();
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version < FOLDER_MIGRATION)
        .cloned()
        .collect();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap();
    migrator.run(&pool).await.unwrap();
    let statements = [
        "INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'a@x', 'h', 0)",
        "INSERT INTO linkedin_accounts (id, user_id, profile_urn, name, updated_at) \
         VALUES (1, 1, 'urn:li:fsd_profile:ACoAAOwner', 'Ada', 0)",
    ];
    for statement in statements {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    let t = start_time();
    let stored = [
        (filed(0, t, INBOX), None),
        (filed(1, t, ARCHIVED), None),
        (filed(2, t, REQUEST), None),
        (filed(3, t, SPAM), None),
        (
            filed(4, t, ARCHIVED),
            Some(r#"{"source":"linkedinExport","threadId":"2-c4"}"#),
        ),
    ];
    for (conversation, record) in stored {
        let record = record.map_or_else(
            || serde_json::to_string(&conversation).unwrap(),
            str::to_owned,
        );
        sqlx::query(
            "INSERT INTO conversations (user_id, account_id, urn, kind, group_chat, record_json, \
             fingerprint, last_activity_at, updated_at) VALUES (1, 1, $1, 'regular', 0, $2, 'f', 0, 0)",
        )
        .bind(conversation.urn.to_string())
        .bind(record)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;
    (SqlStore::connect(url).await.unwrap(), UserId(1))
}

async fn assert_backfilled(store: &SqlStore, user: UserId) {
    let expected = [
        ("2-c0", ConversationFolder::Inbox),
        ("2-c1", ConversationFolder::Archived),
        ("2-c2", ConversationFolder::Other),
        ("2-c3", ConversationFolder::Spam),
        ("2-c4", ConversationFolder::Inbox),
    ];
    for (thread, folder) in expected {
        assert_eq!(folder_of(store, user, thread).await, folder, "{thread}");
    }
}

#[tokio::test]
async fn conversations_stored_before_folders_take_theirs_from_their_categories_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let (store, user) = stored_before_folders(&url, "sqlite").await;
    assert_backfilled(&store, user).await;
    store.close().await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn conversations_stored_before_folders_take_theirs_from_their_categories_on_postgres() {
    use crate::store_contract::postgres::{drop_schema, scratch_schema};
    let Some((url, admin, schema)) = scratch_schema().await else {
        return;
    };
    let (store, user) = stored_before_folders(&url, "postgres").await;
    assert_backfilled(&store, user).await;
    drop_schema(store, admin, schema).await;
}

/// The number in a folder tab of the conversations list (`None`: no tab).
fn tab_count(html: &str, folder: &str) -> Option<u64> {
    let tab = html.split(&format!("data-folder=\"{folder}\" ")).nth(1)?;
    let count = tab.split("<span class=\"count\">").nth(1)?;
    count.split('<').next()?.parse().ok()
}

#[tokio::test]
async fn the_conversations_list_filters_by_folder_in_pages_and_follows_a_move() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    let (status, _) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&mailbox()))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, list) = app.page("/conversations", &browser.cookie).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(
        list.contains("All <span class=\"count\">134</span>"),
        "{list}"
    );
    let tabs = ["inbox", "other", "archived", "spam"].map(|folder| tab_count(&list, folder));
    assert_eq!(tabs, [Some(65), Some(3), Some(65), Some(1)]);

    // The archived folder, 50 a page, its "Older" link keeping the filter.
    let name = "<span class=\"name\">";
    let (pages, shown) = walk(
        &app,
        &browser.cookie,
        "/conversations?folder=archived",
        name,
    )
    .await;
    assert_eq!(pages, 2);
    assert_eq!(shown, names((0..2 * PER_FOLDER).filter(|n| n % 2 == 1)));
    let (pages, shown) = walk(&app, &browser.cookie, "/conversations", name).await;
    assert_eq!((pages, shown.len()), (3, 134));

    // Unarchived on LinkedIn: the next push moves it to the inbox, in the list and on its page.
    let moved = batch(
        vec![filed(1, start_time() + Duration::minutes(1), INBOX)],
        vec![],
    );
    let (status, body) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&moved))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["conversations"]["updated"], 1, "{body}");
    let (_, list) = app
        .page("/conversations?folder=archived", &browser.cookie)
        .await;
    assert_eq!(tab_count(&list, "archived"), Some(64));
    assert_eq!(tab_count(&list, "inbox"), Some(66));
    assert!(!list.contains("P001 Example"));
    let (_, inbox) = app
        .page("/conversations?folder=inbox", &browser.cookie)
        .await;
    let href = inbox
        .split("href=\"/conversations/")
        .find_map(|rest| rest.split_once("\" class=\"contact-row\" data-folder=\"inbox\">"))
        .map(|(id, _)| id.to_owned())
        .expect("a conversation link");
    let (_, page) = app
        .page(&format!("/conversations/{href}"), &browser.cookie)
        .await;
    assert!(page.contains("P001 Example"), "the newest is the one moved");
    assert!(
        page.contains("id=\"folder\" href=\"/conversations?folder=inbox\">Inbox</a>"),
        "{page}"
    );

    // The JSON export names each conversation's folder.
    let (status, export) = app
        .page("/export/conversations.json", &browser.cookie)
        .await;
    assert_eq!(status, StatusCode::OK);
    let export: Value = serde_json::from_str(&export).unwrap();
    let folder = |thread: &str| {
        let urn = conversation_urn(thread).to_string();
        export["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["urn"] == urn)
            .map(|c| c["folder"].clone())
    };
    assert_eq!(folder("2-c1"), Some("inbox".into()));
    assert_eq!(folder("2-c3"), Some("archived".into()));
    assert_eq!(folder("2-c200"), Some("other".into()));
    assert_eq!(folder("2-c300"), Some("spam".into()));

    // A folder that does not exist is not found; an empty one says so.
    let (status, _) = app
        .page("/conversations?folder=trash", &browser.cookie)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (other, _) = app.paired_user("bob@example.com").await;
    let (status, empty) = app.page("/conversations?folder=spam", &other.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("No conversations in Spam."), "{empty}");
}
