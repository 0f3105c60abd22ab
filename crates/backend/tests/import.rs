//! Imports of LinkedIn's data export: every fixture under `tests/fixtures/linkedin-export/`
//! (the archive is zipped from the case's folder; `expected.json` is what the CRM then holds,
//! or the error), importing twice, and both orders of import and live sync.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use ping_backend::ids::UserId;
use ping_backend::import::{ImportOptions, ImportSummary, import_linkedin_archive};
use ping_backend::store::sql::SqlStore;
use ping_backend::store::{ContactEdit, ImportStore as _, LibraryStore as _, RunStore as _, Store};
use ping_core::ids::{ConversationUrn, MessageUrn, ProfileUrn, PublicIdentifier};
use ping_core::model::*;
use ping_protocol::PushBatch;
use serde_json::{Value, json};
use sqlx::Row as _;

use crate::fixtures::{member, owner};
use crate::helpers::{TestApp, start_time};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/linkedin-export")
}

/// Zips a case's folder (every file but `expected.json`, paths relative to it) into `target`.
pub fn zip_folder(folder: &Path, target: &Path) {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(folder, &mut files);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(target).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for file in files {
        let name = file
            .strip_prefix(folder)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if name == "expected.json" {
            continue;
        }
        zip.start_file(name, options).unwrap();
        zip.write_all(&std::fs::read(&file).unwrap()).unwrap();
    }
    zip.finish().unwrap();
}

/// The archive of a fixture case, zipped into `dir`.
fn archive_of(case: &str, dir: &Path) -> PathBuf {
    let archive = dir.join(format!("{case}.zip"));
    zip_folder(&fixtures().join(case), &archive);
    archive
}

async fn sqlite_store(dir: &Path) -> SqlStore {
    SqlStore::connect(&format!("sqlite://{}", dir.join("i.db").display()))
        .await
        .unwrap()
}

async fn import(store: &dyn Store, user: UserId, archive: &Path) -> Result<ImportSummary, String> {
    import_linkedin_archive(
        store,
        user,
        archive,
        &ImportOptions::default(),
        start_time(),
        Arc::new(|_| {}),
    )
    .await
    .map_err(|error| error.to_string())
}

/// The thread id of a stored conversation URN.
fn thread(urn: &str) -> String {
    urn.rsplit_once(',')
        .map(|(_, rest)| rest.trim_end_matches(')').to_owned())
        .unwrap_or_default()
}

/// What the CRM holds, in expected.json's shape.
async fn holdings(store: &SqlStore, user: UserId) -> Value {
    let mut conversations = Vec::new();
    for c in store.all_conversations(user).await.unwrap() {
        let mut participants: Vec<String> = c
            .participants
            .iter()
            .map(|p| p.display_name.clone())
            .collect();
        participants.sort();
        let messages: Vec<Value> = c
            .messages
            .iter()
            .map(|m| {
                json!({
                    "at": m.delivered_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                    "direction": serde_json::to_value(m.direction).unwrap(),
                    "sender": m.sender_name,
                    "body": m.body,
                })
            })
            .collect();
        conversations.push(json!({
            "threadId": thread(&c.urn),
            "title": c.title,
            "kind": c.kind,
            "groupChat": c.group_chat,
            "participants": participants,
            "messages": messages,
        }));
    }
    conversations.sort_by_key(|c| c["threadId"].as_str().unwrap_or_default().to_owned());
    let rows = sqlx::query(
        "SELECT display_name, public_identifier, title, company, email FROM contacts \
         WHERE user_id = $1 ORDER BY display_name",
    )
    .bind(user.0)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let contacts: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "displayName": row.try_get::<String, _>("display_name").unwrap(),
                "publicIdentifier": row.try_get::<Option<String>, _>("public_identifier").unwrap(),
                "title": row.try_get::<Option<String>, _>("title").unwrap(),
                "company": row.try_get::<Option<String>, _>("company").unwrap(),
                "email": row.try_get::<Option<String>, _>("email").unwrap(),
            })
        })
        .collect();
    json!({ "conversations": conversations, "contacts": contacts })
}

/// Every key of `expected` is in `actual` with the same value (objects compared key by key).
fn assert_subset(case: &str, path: &str, expected: &Value, actual: &Value) {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected {
                let found = actual.get(key).unwrap_or(&Value::Null);
                assert_subset(case, &format!("{path}.{key}"), value, found);
            }
        }
        _ => assert_eq!(expected, actual, "{case}: {path}"),
    }
}

/// Imports every fixture case (each for a user of its own) into `store` and checks what it
/// holds then; imports each again and checks that nothing changed.
async fn check_every_fixture(store: &SqlStore, dir: &Path) {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 6, "fixtures found: {cases:?}");
    for case in cases {
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures().join(&case).join("expected.json")).unwrap(),
        )
        .unwrap();
        let user = ping_backend::store::UserStore::create_user(
            store,
            &format!("{case}@example.com"),
            "x",
            start_time(),
        )
        .await
        .unwrap();
        let archive = archive_of(&case, dir);
        let outcome = import(store, user, &archive).await;
        if let Some(error) = expected["error"].as_str() {
            let message = outcome.expect_err(&case);
            assert!(message.contains(error), "{case}: {message}");
            let held = holdings(store, user).await;
            assert_eq!(
                held,
                json!({"conversations": [], "contacts": []}),
                "{case}: nothing stored"
            );
            continue;
        }
        let summary = outcome.unwrap_or_else(|error| panic!("{case}: {error}"));
        assert_subset(
            &case,
            "summary",
            &expected["summary"],
            &serde_json::to_value(&summary).unwrap(),
        );
        let held = holdings(store, user).await;
        let mut conversations = expected["conversations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        conversations.sort_by_key(|c| c["threadId"].as_str().unwrap_or_default().to_owned());
        assert_eq!(
            held["conversations"],
            json!(conversations),
            "{case}: conversations"
        );
        assert_eq!(held["contacts"], expected["contacts"], "{case}: contacts");

        let again = import(store, user, &archive).await.unwrap();
        assert_eq!(again.conversations.added, 0, "{case}: {again:?}");
        assert_eq!(again.messages.added, 0, "{case}: {again:?}");
        assert_eq!(again.contacts.added, 0, "{case}: {again:?}");
        assert_eq!(again.messages.matched, summary.messages.added, "{case}");
        assert_eq!(holdings(store, user).await, held, "{case}: unchanged");
    }
}

#[tokio::test]
async fn every_export_fixture_imports_as_expected_and_a_second_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(dir.path()).await;
    check_every_fixture(&store, dir.path()).await;
}

const LIESL_THREAD: &str = "2-MGYxZTJkM2MtYWFhYS00YmJiLThjY2MtMDAwMDAwMDAwMDAxXzAxMA==";
/// basic-2025's conversation with a member who left LinkedIn, archived in the export.
const LEFT_THREAD: &str = "2-MGYxZTJkM2MtYWFhYS00YmJiLThjY2MtMDAwMDAwMDAwMDA0XzEwMQ==";

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().into()
}

/// The live sync's view of basic-2025's conversation with Liesl: member URNs, no slugs,
/// milliseconds, line breaks the export flattened.
fn live_batch() -> PushBatch {
    let conversation = ConversationUrn::new(owner(), LIESL_THREAD).unwrap();
    let liesl = member(1);
    let participant = |urn: ProfileUrn, is_self: bool, first: &str, last: &str| Participant {
        id: ParticipantId::Member(urn.clone()),
        is_self,
        first_name: Some(first.into()),
        last_name: Some(last.into()),
        display_name: format!("{first} {last}"),
        headline: None,
        profile_url: Some(format!("https://www.linkedin.com/in/{}", urn.id())),
        distance: None,
        picture: None,
    };
    let message = |id: &str, sender: ProfileUrn, at: DateTime<Utc>, body: &str| Message {
        urn: MessageUrn::new(owner(), id).unwrap(),
        conversation: conversation.clone(),
        sender: Some(ParticipantId::Member(sender)),
        delivered_at: at,
        subject: None,
        body: body.into(),
        state: MessageState::Normal,
        attachments: vec![],
        reactions: vec![],
    };
    PushBatch {
        run_id: "live".into(),
        account: Account {
            profile: owner(),
            first_name: "Tom".into(),
            last_name: "Brandvold".into(),
            headline: None,
            public_identifier: Some(PublicIdentifier::parse("tbrandvold").unwrap()),
        },
        conversations: vec![Conversation {
            urn: conversation.clone(),
            backend_urn: None,
            kind: ConversationKind::Regular,
            group_chat: false,
            title: None,
            categories: vec!["INBOX".into()],
            state: None,
            read: true,
            unread_count: 0,
            created_at: None,
            last_activity_at: at("2025-03-05T08:00:00.120Z"),
            participants: vec![
                participant(owner(), true, "Tom", "Brandvold"),
                participant(liesl.clone(), false, "Liesl", "Okonkwo"),
            ],
        }],
        messages: vec![
            message(
                "2-bTE=",
                owner(),
                at("2025-03-04T15:50:00.250Z"),
                "Hi Liesl, can we meet Friday?",
            ),
            message(
                "2-bTI=",
                liesl.clone(),
                at("2025-03-04T16:02:09.700Z"),
                "Thanks Tom\nsee you Friday & bring the deck",
            ),
            // After the export was made.
            message(
                "2-bTM=",
                liesl,
                at("2025-03-05T08:00:00.120Z"),
                "Friday works!",
            ),
        ],
        deleted_conversations: vec![],
        // The newest page did not reach the start of the conversation.
        history_pending: vec![conversation],
        history_complete: vec![],
    }
}

async fn basic_app() -> (TestApp, UserId, String, tempfile::TempDir) {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("me@example.com").await;
    let user = ping_backend::store::UserStore::find_user_by_email(&*app.store, "me@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let dir = tempfile::tempdir().unwrap();
    zip_folder(
        &fixtures().join("basic-2025"),
        &dir.path().join("basic.zip"),
    );
    (app, user, token, dir)
}

/// Every message and contact of the user, for duplicate checks.
async fn counts(store: &SqlStore, user: UserId) -> (i64, i64, i64) {
    let count = |sql: &'static str| async move {
        sqlx::query(sql)
            .bind(user.0)
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get::<i64, _>("n")
            .unwrap()
    };
    (
        count("SELECT COUNT(*) AS n FROM conversations WHERE user_id = $1").await,
        count("SELECT COUNT(*) AS n FROM messages WHERE user_id = $1").await,
        count("SELECT COUNT(*) AS n FROM contacts WHERE user_id = $1").await,
    )
}

#[tokio::test]
async fn an_import_after_the_live_sync_joins_it_and_keeps_what_the_user_edited() {
    let (app, user, token, dir) = basic_app().await;
    let (status, answer) = app
        .post(
            "/api/v1/sync/push",
            Some(&token),
            serde_json::to_value(live_batch()).unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["historyCovered"], json!([]), "nothing imported yet");
    let liesl = app
        .store
        .find_contact_by_urn(user, &member(1).to_string())
        .await
        .unwrap()
        .unwrap();
    let edit = ContactEdit {
        display_name: "Liesl (Fjord)".into(),
        title: None,
        company: Some("Met at RustConf".into()),
        location: None,
        notes: Some("likes sailing".into()),
    };
    app.store
        .edit_contact(user, liesl.id, &edit, start_time())
        .await
        .unwrap();

    let summary = import(app.store.as_ref(), user, &dir.path().join("basic.zip"))
        .await
        .unwrap();
    assert!(
        summary.account.contains("Tom Brandvold"),
        "{}",
        summary.account
    );
    assert_eq!(
        (summary.conversations.added, summary.conversations.matched),
        (3, 1)
    );
    assert_eq!((summary.messages.added, summary.messages.matched), (6, 2));
    assert_eq!(
        (summary.contacts.added, summary.contacts.matched),
        (3, 1),
        "{summary:?}"
    );

    // 4 conversations, 6 imported + 3 live messages, Ana, Ben, Kai and the one Liesl.
    assert_eq!(counts(&app.store, user).await, (4, 9, 4));
    let liesl = app
        .store
        .get_contact(user, liesl.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(liesl.fields.urn, Some(member(1).to_string()));
    assert_eq!(
        liesl.fields.public_identifier.as_deref(),
        Some("liesl-okonkwo-7a1")
    );
    assert_eq!(
        liesl.fields.display_name, "Liesl (Fjord)",
        "edited name kept"
    );
    assert_eq!(
        liesl.fields.company.as_deref(),
        Some("Met at RustConf"),
        "edited company kept"
    );
    assert_eq!(
        liesl.fields.title.as_deref(),
        Some("Head of Ops"),
        "empty title filled"
    );
    assert_eq!(liesl.notes.as_deref(), Some("likes sailing"));

    // The live messages keep their URNs; the conversation is now covered.
    let urn = ConversationUrn::new(owner(), LIESL_THREAD)
        .unwrap()
        .to_string();
    let covered = app
        .store
        .history_covered(user, std::slice::from_ref(&urn))
        .await
        .unwrap();
    assert_eq!(covered, vec![urn]);
    let (status, answer) = app
        .post(
            "/api/v1/sync/push",
            Some(&token),
            serde_json::to_value(live_batch()).unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["messages"]["created"], 0);
    assert_eq!(
        answer["historyCovered"][0],
        json!(ConversationUrn::new(owner(), LIESL_THREAD).unwrap())
    );
    assert_eq!(counts(&app.store, user).await, (4, 9, 4));
}

#[tokio::test]
async fn an_import_leaves_a_live_synced_conversation_in_the_folder_linkedin_named() {
    let (app, user, token, dir) = basic_app().await;
    // Archived on LinkedIn after the export was made, which still has it in the inbox.
    let mut live = live_batch();
    live.conversations[0].categories = vec!["ARCHIVE".into()];
    let (status, _) = app
        .post(
            "/api/v1/sync/push",
            Some(&token),
            serde_json::to_value(live).unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    import(app.store.as_ref(), user, &dir.path().join("basic.zip"))
        .await
        .unwrap();
    let folders: Vec<(String, ConversationFolder)> = app
        .store
        .all_conversations(user)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (thread(&c.urn), c.folder))
        .collect();
    let folder_of = |id: &str| folders.iter().find(|(thread, _)| thread == id).unwrap().1;
    assert_eq!(folder_of(LIESL_THREAD), ConversationFolder::Archived);
    // The member who left: ARCHIVE in the export, the only place it is known from.
    assert_eq!(folder_of(LEFT_THREAD), ConversationFolder::Archived);
    let inbox = folders
        .iter()
        .filter(|(_, folder)| *folder == ConversationFolder::Inbox);
    assert_eq!(inbox.count(), 2, "{folders:?}");
}

#[tokio::test]
async fn a_live_sync_after_the_import_adds_no_duplicate_and_learns_its_history_is_covered() {
    let (app, user, token, dir) = basic_app().await;
    let summary = import(app.store.as_ref(), user, &dir.path().join("basic.zip"))
        .await
        .unwrap();
    assert!(summary.account.contains("waiting"), "{}", summary.account);
    assert!(
        app.store.list_accounts(user).await.unwrap().is_empty(),
        "the stand-in is not listed"
    );
    assert_eq!(counts(&app.store, user).await, (4, 8, 4));

    let (status, answer) = app
        .post(
            "/api/v1/sync/push",
            Some(&token),
            serde_json::to_value(live_batch()).unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["conversations"],
        json!({"created": 0, "updated": 1, "unchanged": 0})
    );
    assert_eq!(
        answer["messages"],
        json!({"created": 1, "updated": 2, "unchanged": 0})
    );
    let urn = ConversationUrn::new(owner(), LIESL_THREAD).unwrap();
    assert_eq!(answer["historyCovered"], json!([urn]));
    // The new message only; Liesl's two contacts are one.
    assert_eq!(counts(&app.store, user).await, (4, 9, 4));
    let liesl = app
        .store
        .find_contact_by_urn(user, &member(1).to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        liesl.fields.public_identifier.as_deref(),
        Some("liesl-okonkwo-7a1")
    );
    assert_eq!(liesl.fields.company.as_deref(), Some("Fjord Labs, Inc."));

    // The whole export moved to the synced account (same public identifier).
    let accounts = app.store.list_accounts(user).await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].conversations, 4);
    let stored = app.store.all_conversations(user).await.unwrap();
    assert!(
        stored.iter().all(|c| c.urn.contains(&owner().to_string())),
        "real mailbox URNs"
    );
    let mine = stored.iter().find(|c| c.urn == urn.to_string()).unwrap();
    let urns: Vec<&str> = mine.messages.iter().map(|m| m.urn.as_str()).collect();
    assert_eq!(urns.len(), 3);
    assert!(
        urns.iter().all(|u| u.starts_with("urn:li:msg_message:")),
        "{urns:?}"
    );

    // Pushing again and importing again change nothing.
    let (_, again) = app
        .post(
            "/api/v1/sync/push",
            Some(&token),
            serde_json::to_value(live_batch()).unwrap(),
        )
        .await;
    assert_eq!(again["messages"]["created"], 0);
    let reimport = import(app.store.as_ref(), user, &dir.path().join("basic.zip"))
        .await
        .unwrap();
    assert_eq!(
        (
            reimport.conversations.added,
            reimport.messages.added,
            reimport.contacts.added
        ),
        (0, 0, 0),
        "{reimport:?}"
    );
    assert_eq!(counts(&app.store, user).await, (4, 9, 4));
}

#[tokio::test]
async fn a_conversation_newer_than_the_export_is_not_covered_until_its_pages_reach_back() {
    let (app, user, token, dir) = basic_app().await;
    import(app.store.as_ref(), user, &dir.path().join("basic.zip"))
        .await
        .unwrap();
    let mut batch = live_batch();
    batch
        .messages
        .retain(|m| m.delivered_at > at("2025-03-05T00:00:00Z"));
    let (_, answer) = app
        .post(
            "/api/v1/sync/push",
            Some(&token),
            serde_json::to_value(&batch).unwrap(),
        )
        .await;
    assert_eq!(
        answer["historyCovered"],
        json!([]),
        "a gap may lie between the two"
    );
    let older = live_batch();
    let (_, answer) = app
        .post(
            "/api/v1/sync/push",
            Some(&token),
            serde_json::to_value(&older).unwrap(),
        )
        .await;
    assert_eq!(answer["historyCovered"].as_array().map(Vec::len), Some(1));
}

#[test]
fn the_cli_imports_an_archive_and_prints_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let binary = env!("CARGO_BIN_EXE_ping-backend");
    let mut add = Command::new(binary)
        .args(["user", "add", "me@example.com", "--password-stdin"])
        .env("PING_DATABASE_URL", &url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long password\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
    let archive = dir.path().join("Basic_LinkedInDataExport_03-04-2025.zip");
    zip_folder(&fixtures().join("basic-2025"), &archive);
    let run = |json: bool| {
        let mut command = Command::new(binary);
        command.args(["import", "linkedin-archive", "--user", "me@example.com"]);
        if json {
            command.arg("--json");
        }
        command
            .arg(&archive)
            .env("PING_DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let first = run(false);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.contains("conversations: 4 added"), "{text}");
    assert!(
        text.contains("skipped 1 message(s): a draft, never sent"),
        "{text}"
    );
    let second = run(true);
    let summary: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(
        summary["messages"],
        json!({"added": 0, "matched": 8, "skipped": 1})
    );

    let broken = dir.path().join("broken.zip");
    zip_folder(&fixtures().join("malformed-row"), &broken);
    let failed = Command::new(binary)
        .args(["import", "linkedin-archive", "--user", "me@example.com"])
        .arg(&broken)
        .env("PING_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!failed.status.success());
    let error = String::from_utf8_lossy(&failed.stderr);
    assert!(
        error.contains("line 3") && error.contains("nothing was imported"),
        "{error}"
    );
}

#[tokio::test]
async fn settings_import_uploads_the_archive_shows_progress_and_then_the_summary() {
    let (app, _user, _token, dir) = basic_app().await;
    let browser = app.login("me@example.com").await;
    let (status, page) = app.page("/settings/import", &browser.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"import-form\"") && page.contains("id=\"no-imports\""));

    let archive = std::fs::read(dir.path().join("basic.zip")).unwrap();
    let boundary = "----ping-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"archive\"; \
         filename=\"Basic_LinkedInDataExport_03-04-2025.zip\"\r\n\
         Content-Type: application/zip\r\n\r\n",
        browser.csrf
    )
    .into_bytes();
    body.extend_from_slice(&archive);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = axum::http::Request::post("/settings/import")
        .header(axum::http::header::COOKIE, &browser.cookie)
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let (status, headers, _) = app.send(request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/settings/import/"), "{location}");

    let mut page = String::new();
    for _ in 0..200 {
        let (status, html) = app.page(&location, &browser.cookie).await;
        assert_eq!(status, StatusCode::OK);
        page = html;
        if !page.contains("data-state=\"running\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(page.contains("id=\"import-done\""), "{page}");
    let row = |kind: &str| {
        page.split(&format!("data-kind=\"{kind}\""))
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        row("messages").contains("<td>8</td><td>0</td><td>1</td>"),
        "{}",
        row("messages")
    );
    assert!(
        row("conversations").contains("<td>4</td>"),
        "{}",
        row("conversations")
    );
    assert!(page.contains("a draft, never sent"));
    let (_, listing) = app.page("/settings/import", &browser.cookie).await;
    assert!(listing.contains("Basic_LinkedInDataExport_03-04-2025.zip"));

    // A form without its CSRF token is refused before the file is read.
    let request = axum::http::Request::post("/settings/import")
        .header(axum::http::header::COOKIE, &browser.cookie)
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"archive\"; filename=\"a.zip\"\r\n\r\nPK\r\n--{boundary}--\r\n"
        )))
        .unwrap();
    let (status, _, _) = app.send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_openapi_document_describes_history_covered_as_an_optional_list_of_urns() {
    let app = TestApp::new().await;
    let (status, document) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let answer = &document["components"]["schemas"]["PushResponse"];
    let field = &answer["properties"]["historyCovered"];
    assert_eq!(field["type"], "array", "{answer:#}");
    assert_eq!(
        field["items"]["$ref"],
        "#/components/schemas/ConversationUrn"
    );
    let urn = &document["components"]["schemas"]["ConversationUrn"];
    assert!(
        urn["pattern"]
            .as_str()
            .is_some_and(|p| p.starts_with("^urn:li:msg_conversation:")),
        "{urn:#}"
    );
    let required = answer["required"].as_array().cloned().unwrap_or_default();
    assert!(
        !required.contains(&json!("historyCovered")),
        "older backends omit it"
    );
    let batch = &document["components"]["schemas"]["PushBatch"]["properties"];
    assert!(batch["historyPending"].is_object(), "{batch:#}");
}

/// The fixtures, and a live push after an import, on PostgreSQL (when reachable:
/// `TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/test`; skipped otherwise).
#[cfg(feature = "postgres")]
mod postgres {
    use std::io::Write as _;

    use ping_backend::ingest::prepare_batch;
    use ping_backend::store::IngestStore as _;

    use super::*;
    use crate::fixtures::to_json;

    /// A store in a fresh schema of the test server, with the admin pool to drop it.
    async fn scratch_store() -> Option<(SqlStore, sqlx::AnyPool, String)> {
        let base = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        sqlx::any::install_default_drivers();
        let admin = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(3))
            .connect(&base)
            .await;
        let Ok(admin) = admin else {
            let _ = writeln!(std::io::stderr(), "SKIPPED: no PostgreSQL at {base}");
            return None;
        };
        let schema = format!(
            "ping_import_{}",
            &ping_backend::secrets::sha256_hex(ping_backend::secrets::random_token())[..12]
        );
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options[search_path]={schema}");
        Some((SqlStore::connect(&url).await.unwrap(), admin, schema))
    }

    #[tokio::test]
    async fn imports_and_their_adoption_by_a_live_push_work_on_postgres() {
        let Some((store, admin, schema)) = scratch_store().await else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        check_every_fixture(&store, dir.path()).await;

        let user = ping_backend::store::UserStore::create_user(
            &store,
            "live@example.com",
            "x",
            start_time(),
        )
        .await
        .unwrap();
        import(&store, user, &archive_of("basic-2025", dir.path()))
            .await
            .unwrap();
        let (batch, rejected) =
            prepare_batch(serde_json::from_value(to_json(&live_batch())).unwrap());
        assert!(rejected.is_empty(), "{rejected:?}");
        let pushed = store
            .ingest_batch(user, &batch, start_time())
            .await
            .unwrap();
        assert_eq!((pushed.messages.created, pushed.messages.updated), (1, 2));
        assert_eq!(counts(&store, user).await, (4, 9, 4));
        let urn = ConversationUrn::new(owner(), LIESL_THREAD)
            .unwrap()
            .to_string();
        let covered = store
            .history_covered(user, std::slice::from_ref(&urn))
            .await
            .unwrap();
        assert_eq!(covered, vec![urn]);

        store.close().await;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&admin)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn an_import_whose_process_stopped_shows_as_cut_short() {
    let (app, user, _token, _dir) = basic_app().await;
    let browser = app.login("me@example.com").await;
    let record = ping_backend::store::ImportRecord {
        id: "stopped-import".into(),
        source: "web".into(),
        file_name: "Basic_LinkedInDataExport.zip".into(),
        state: ping_backend::store::ImportState::Running,
        summary_json: None,
        error: None,
        started_at: start_time() - chrono::Duration::hours(3),
        finished_at: None,
    };
    app.store.insert_import(user, &record).await.unwrap();
    let request = axum::http::Request::get("/settings/import/stopped-import")
        .header(axum::http::header::COOKIE, &browser.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("cut short"));
    assert!(headers.get("refresh").is_none(), "no refreshing forever");
    let (status, _) = app
        .page("/settings/import/someone-elses", &browser.cookie)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
