//! The push API: per-record acceptance, idempotency, edits and recalls, direction, backfill,
//! and isolation between users.

use axum::http::StatusCode;
use chrono::Duration;
use ping_backend::ids::UserId;
use ping_backend::store::{Direction, LibraryStore as _, UserStore as _};
use ping_core::model::MessageState;
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::helpers::{TestApp, start_time};

async fn user_id(app: &TestApp, email: &str) -> UserId {
    app.store
        .find_user_by_email(email)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn one_malformed_record_is_reported_and_the_rest_is_stored() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let mut body = to_json(&small_batch());
    // A group-chat message with a null sender URN, the kind that blocked a peer's sync for days.
    body["messages"][1]["urn"] = json!(null);
    let (status, response) = app.post("/api/v1/sync/push", Some(&token), body).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["conversations"]["created"], 1);
    assert_eq!(response["messages"]["created"], 2);
    let rejected = response["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["kind"], "message");
    assert_eq!(rejected[0]["index"], 1);
    assert!(!rejected[0]["reason"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn the_same_batch_twice_stores_nothing_new() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let body = to_json(&small_batch());
    let (_, first) = app
        .post("/api/v1/sync/push", Some(&token), body.clone())
        .await;
    assert_eq!(first["messages"]["created"], 3);
    let (status, second) = app.post("/api/v1/sync/push", Some(&token), body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        second["conversations"],
        json!({"created": 0, "updated": 0, "unchanged": 1})
    );
    assert_eq!(
        second["messages"],
        json!({"created": 0, "updated": 0, "unchanged": 3})
    );
    let user = user_id(&app, "ada@example.com").await;
    let conversations = app.store.all_conversations(user).await.unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].messages.len(), 3);
    assert_eq!(app.store.list_contacts(user).await.unwrap().len(), 1);
}

#[tokio::test]
async fn edits_and_recalls_are_applied_and_a_recall_is_final() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let original = small_batch();
    app.post("/api/v1/sync/push", Some(&token), to_json(&original))
        .await;

    let mut changed = original.clone();
    changed.messages[0].body = "Hello Ada, are you around next Wednesday?".into();
    changed.messages[0].state = MessageState::Edited;
    changed.messages[2].body = String::new();
    changed.messages[2].state = MessageState::Recalled;
    let (_, response) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&changed))
        .await;
    assert_eq!(
        response["messages"],
        json!({"created": 0, "updated": 2, "unchanged": 1})
    );

    // An older copy arriving late does not bring the recalled message back.
    let (_, late) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&original))
        .await;
    assert_eq!(
        late["messages"]["updated"], 1,
        "only the edit flips back: {late}"
    );

    let user = user_id(&app, "ada@example.com").await;
    let messages = &app.store.all_conversations(user).await.unwrap()[0].messages;
    let recalled = messages.iter().find(|m| m.urn.ends_with("2-m3)")).unwrap();
    assert_eq!(recalled.state, "recalled");
    assert_eq!(recalled.body, "");
}

#[tokio::test]
async fn an_edit_is_stored_with_its_new_body() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let mut batch = small_batch();
    app.post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;
    batch.messages[1].body = "Yes! Talk Wednesday.".into();
    batch.messages[1].state = MessageState::Edited;
    app.post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;
    let user = user_id(&app, "ada@example.com").await;
    let messages = &app.store.all_conversations(user).await.unwrap()[0].messages;
    let edited = messages.iter().find(|m| m.urn.ends_with("2-m2)")).unwrap();
    assert_eq!(edited.state, "edited");
    assert_eq!(edited.body, "Yes! Talk Wednesday.");
}

#[tokio::test]
async fn direction_follows_the_account_urn_even_in_group_chats() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let (zoe, yuri) = (member(1), member(2));
    let t = start_time();
    let mut anonymous = message("2-group", "2-g3", &zoe, "system note", t);
    anonymous.sender = None;
    let batch = batch(
        vec![conversation(
            "2-group",
            &[(&zoe, "Zoe"), (&yuri, "Yuri")],
            t,
        )],
        vec![
            message(
                "2-group",
                "2-g1",
                &zoe,
                "from Zoe",
                t - Duration::minutes(3),
            ),
            message(
                "2-group",
                "2-g2",
                &owner(),
                "from me",
                t - Duration::minutes(2),
            ),
            message(
                "2-group",
                "2-g4",
                &yuri,
                "from Yuri",
                t - Duration::minutes(1),
            ),
            anonymous,
        ],
    );
    app.post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;
    let user = user_id(&app, "ada@example.com").await;
    let conversation = &app.store.all_conversations(user).await.unwrap()[0];
    assert!(conversation.group_chat);
    assert_eq!(
        conversation.participants.len(),
        2,
        "every other participant is listed"
    );
    let direction = |id: &str| {
        conversation
            .messages
            .iter()
            .find(|m| m.urn.ends_with(&format!("{id})")))
            .unwrap()
            .direction
    };
    assert_eq!(direction("2-g1"), Direction::Inbound);
    assert_eq!(direction("2-g2"), Direction::Outbound);
    assert_eq!(direction("2-g4"), Direction::Inbound);
    assert_eq!(direction("2-g3"), Direction::Unknown, "no sender, no guess");
}

#[tokio::test]
async fn contacts_are_named_for_backfill_until_their_lookup_is_reported() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let t = start_time();
    let members: Vec<_> = (1..=12).map(member).collect();
    let conversations = members
        .iter()
        .enumerate()
        .map(|(i, urn)| conversation(&format!("2-t{i}"), &[(urn, "Peer")], t))
        .collect();
    let body = to_json(&batch(conversations, vec![]));
    let named = |answer: &Value| -> Vec<String> {
        answer["backfillNeeded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|request| request["member"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, first) = app
        .post("/api/v1/sync/push", Some(&token), body.clone())
        .await;
    assert_eq!(named(&first).len(), 10);
    assert_eq!(
        first["backfillNeeded"][0]["missing"],
        json!(["title", "company", "avatar"])
    );

    // A run that fetched none of them hears the same names again: naming holds nothing back.
    let (_, second) = app
        .post("/api/v1/sync/push", Some(&token), body.clone())
        .await;
    assert_eq!(named(&second), named(&first));

    // Three looked up and found, one LinkedIn has no profile for, one seen on a page visit.
    let found: Vec<_> = members[..3]
        .iter()
        .map(|urn| profile(Some(urn), None))
        .collect();
    let mut lookups = profiles_push(found);
    lookups["source"] = json!("backfill");
    lookups["unavailable"] = json!([members[3]]);
    app.post("/api/v1/profiles", Some(&token), lookups).await;
    let mut visited = profiles_push(vec![profile(Some(&members[4]), None)]);
    visited["profiles"][0]["title"] = Value::Null;
    app.post("/api/v1/profiles", Some(&token), visited).await;

    // A quiet sync's empty push hears the rest: not the four looked up.
    let empty = to_json(&batch(vec![], vec![]));
    let (_, quiet) = app
        .post("/api/v1/sync/push", Some(&token), empty.clone())
        .await;
    let expected: Vec<String> = members[4..].iter().map(ToString::to_string).collect();
    assert_eq!(named(&quiet), expected);

    // A week later the unavailable one and the found ones still without a picture come back.
    app.clock.advance(Duration::days(7));
    let (_, week_later) = app.post("/api/v1/sync/push", Some(&token), empty).await;
    let again = named(&week_later);
    assert!(again.contains(&members[3].to_string()), "{again:?}");
    assert!(again.contains(&members[0].to_string()), "{again:?}");
}

#[tokio::test]
async fn another_users_token_cannot_read_or_write_this_users_data() {
    let app = TestApp::new().await;
    let (ada_browser, ada_token) = app.paired_user("ada@example.com").await;
    let (_, bob_token) = app.paired_user("bob@example.com").await;
    app.post(
        "/api/v1/sync/push",
        Some(&ada_token),
        to_json(&small_batch()),
    )
    .await;

    // Bob pushing the same URNs creates his own rows and leaves Ada's alone.
    let mut forged = small_batch();
    forged.messages[0].body = "overwritten by bob".into();
    let (_, bob_push) = app
        .post("/api/v1/sync/push", Some(&bob_token), to_json(&forged))
        .await;
    assert_eq!(bob_push["messages"]["created"], 3);
    let ada = user_id(&app, "ada@example.com").await;
    let ada_messages = &app.store.all_conversations(ada).await.unwrap()[0].messages;
    assert!(ada_messages.iter().all(|m| m.body != "overwritten by bob"));

    // Bob's status sees only Bob's account; Ada's sync request is invisible to him.
    let (_, created) = app
        .session_post(
            "/api/v1/conversations/sync",
            &ada_browser,
            json!({"accountId": OWNER, "force": true}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let (status, _) = app
        .get(
            &format!("/api/v1/conversations/sync/{id}"),
            Some(&bob_token),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, hello) = app
        .post(
            "/api/v1/extension/hello",
            Some(&bob_token),
            json!({"account": OWNER, "extensionVersion": "1"}),
        )
        .await;
    assert_eq!(
        hello["syncRequested"],
        json!(null),
        "Ada's request is not delivered to Bob"
    );

    // Ada's contacts and conversations are not reachable from Bob's session.
    let bob_browser = app.login("bob@example.com").await;
    let ada_conversation = app.store.all_conversations(ada).await.unwrap()[0].id;
    let (status, _) = app
        .page(
            &format!("/conversations/{ada_conversation}"),
            &bob_browser.cookie,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, csv) = app.page("/export/contacts.csv", &ada_browser.cookie).await;
    assert_eq!(csv.lines().count(), 2);
}

#[tokio::test]
async fn messages_of_an_unknown_conversation_are_rejected_not_dropped_silently() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let zoe = member(1);
    let body = to_json(&batch(
        vec![],
        vec![message("2-nowhere", "2-x", &zoe, "hi", start_time())],
    ));
    let (status, response) = app.post("/api/v1/sync/push", Some(&token), body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(response["rejected"][0]["index"], 0);
    assert_eq!(response["messages"]["created"], 0);
}

#[tokio::test]
async fn one_bad_deleted_conversation_is_rejected_alone() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let t = start_time();
    let mut body = to_json(&batch(
        vec![
            conversation("2-zoe", &[(&member(1), "Zoe")], t),
            conversation("2-yuri", &[(&member(2), "Yuri")], t),
        ],
        vec![],
    ));
    app.post("/api/v1/sync/push", Some(&token), body.clone())
        .await;
    let elsewhere = ping_core::ids::ConversationUrn::new(member(9), "2-zoe").unwrap();
    body["conversations"] = json!([]);
    body["deletedConversations"] = json!([
        "not a conversation urn",
        elsewhere.to_string(),
        42,
        conversation_urn("2-zoe").to_string(),
    ]);
    let (status, response) = app.post("/api/v1/sync/push", Some(&token), body).await;
    assert_eq!(status, StatusCode::OK, "{response}");
    let rejected: Vec<_> = response["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].clone(), r["index"].clone(), r["urn"].clone()))
        .collect();
    assert_eq!(
        rejected,
        [
            (
                json!("deletedConversation"),
                json!(0),
                json!("not a conversation urn")
            ),
            (
                json!("deletedConversation"),
                json!(1),
                json!(elsewhere.to_string())
            ),
            (json!("deletedConversation"), json!(2), json!(null)),
        ]
    );
    let user = user_id(&app, "ada@example.com").await;
    let left: Vec<String> = app
        .store
        .all_conversations(user)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.urn)
        .collect();
    assert_eq!(
        left,
        [conversation_urn("2-yuri").to_string()],
        "the good one is hidden"
    );
}

#[tokio::test]
async fn nul_characters_are_dropped_and_every_record_is_stored() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let mut batch = small_batch();
    batch.account.first_name = "A\0da".into();
    batch.conversations[0].title = Some("Tues\0day".into());
    batch.conversations[0].participants[1].display_name = "Zoe\0 Example".into();
    batch.conversations[0].participants[1].headline = Some("\0".into());
    batch.messages[0].body = "Hello\0 Ada".into();
    let (status, response) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["rejected"], json!([]));
    assert_eq!(response["messages"]["created"], 3);
    let user = user_id(&app, "ada@example.com").await;
    let conversation = &app.store.all_conversations(user).await.unwrap()[0];
    assert_eq!(conversation.title.as_deref(), Some("Tuesday"));
    assert_eq!(conversation.participants[0].display_name, "Zoe Example");
    assert!(conversation.messages.iter().any(|m| m.body == "Hello Ada"));
    let zoe = app
        .store
        .find_contact_by_urn(user, &member(1).to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        zoe.fields.headline, None,
        "a headline of only NUL is no headline"
    );
}

#[tokio::test]
async fn a_participant_of_several_conversations_keeps_what_each_of_them_says() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let zoe = member(1);
    let t = start_time();
    let mut older = conversation("2-old", &[(&zoe, "Zoe")], t - Duration::days(30));
    older.participants[1].headline = Some("CTO at Acme".into());
    older.participants[1].picture = Some(picture("https://media.licdn.com/dms/image/z", "asset-z"));
    let mut newer = conversation("2-new", &[(&zoe, "Zoe"), (&member(2), "Yuri")], t);
    newer.participants[1].display_name = "Zoë Example".into();
    newer.participants[1].headline = None;
    newer.participants[1].picture = None;
    // The newer conversation comes first in the batch, the older one last.
    let body = to_json(&batch(vec![newer, older], vec![]));
    let (status, _) = app.post("/api/v1/sync/push", Some(&token), body).await;
    assert_eq!(status, StatusCode::OK);
    let user = user_id(&app, "ada@example.com").await;
    let contact = app
        .store
        .find_contact_by_urn(user, &zoe.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        contact.fields.display_name, "Zoë Example",
        "the newest name"
    );
    assert_eq!(
        contact.fields.headline.as_deref(),
        Some("CTO at Acme"),
        "only the older conversation knew it"
    );
    assert_eq!(
        contact.avatar_url.as_deref(),
        Some("https://media.licdn.com/dms/image/z"),
        "nor the picture"
    );
}

#[tokio::test]
async fn only_https_www_linkedin_com_profile_urls_are_stored() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let t = start_time();
    let urls = [
        "javascript:alert(document.cookie)",
        "https://www.linkedin.com/in/zoe\r\nEMAIL:evil@example.com",
        "https://evil.example/in/zoe",
        "https://www.linkedin.com/in/yuri-example",
    ];
    let mut conversations = Vec::new();
    for (n, url) in urls.iter().enumerate() {
        let mut c = conversation(&format!("2-c{n}"), &[(&member(n as u32 + 1), "Peer")], t);
        c.participants[1].profile_url = Some((*url).to_owned());
        conversations.push(c);
    }
    app.post(
        "/api/v1/sync/push",
        Some(&token),
        to_json(&batch(conversations, vec![])),
    )
    .await;
    let user = user_id(&app, "ada@example.com").await;
    let mut stored = Vec::new();
    for n in 1..=4 {
        let contact = app
            .store
            .find_contact_by_urn(user, &member(n).to_string())
            .await
            .unwrap()
            .unwrap();
        stored.push(contact.fields.profile_url);
    }
    assert_eq!(
        stored,
        [None, None, None, Some(urls[3].to_owned())],
        "only the https://www.linkedin.com/ one"
    );
}

/// Makes the SQLite database refuse message bodies saying "poison" and accounts named
/// "Poison Account", the way a database refuses what it cannot hold.
async fn plant_refusals(app: &TestApp) {
    for statement in [
        "CREATE TRIGGER poison_messages BEFORE INSERT ON messages \
         WHEN NEW.body LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poisoned message'); END",
        "CREATE TRIGGER poison_accounts BEFORE INSERT ON linkedin_accounts \
         WHEN NEW.name = 'Poison Account' BEGIN SELECT RAISE(ABORT, 'poisoned account'); END",
    ] {
        sqlx::raw_sql(statement)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_record_the_database_refuses_is_rejected_alone_and_the_rest_stored() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    plant_refusals(&app).await;
    let mut batch = small_batch();
    batch.messages[1].body = "poison".into();
    let (status, response) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;
    assert_eq!(status, StatusCode::OK, "not a 500: {response}");
    assert_eq!(response["messages"]["created"], 2);
    assert_eq!(response["rejected"].as_array().unwrap().len(), 1);
    assert_eq!(response["rejected"][0]["kind"], "message");
    assert_eq!(response["rejected"][0]["index"], 1);
    let reason = response["rejected"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("poisoned message"), "{reason}");
}

#[tokio::test]
async fn data_the_database_refuses_outside_any_record_is_a_422_not_a_500() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    plant_refusals(&app).await;
    let mut batch = small_batch();
    batch.account.first_name = "Poison".into();
    batch.account.last_name = "Account".into();
    let (status, response) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{response}");
    assert_eq!(response["serviceErrorCode"], "INVALID_REQUEST");
    assert!(
        response["message"]
            .as_str()
            .unwrap()
            .contains("could not store"),
        "{response}"
    );
}
