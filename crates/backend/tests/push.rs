//! The push API: per-record acceptance, idempotency, edits and recalls, direction, backfill,
//! and isolation between users.

use axum::http::StatusCode;
use chrono::Duration;
use ping_backend::ids::UserId;
use ping_backend::store::{Direction, LibraryStore as _, UserStore as _};
use ping_core::model::MessageState;
use serde_json::json;

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
async fn backfill_requests_are_capped_at_ten_and_not_repeated_within_a_day() {
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
    let (_, first) = app
        .post("/api/v1/sync/push", Some(&token), body.clone())
        .await;
    let asked = first["backfillNeeded"].as_array().unwrap();
    assert_eq!(asked.len(), 10);
    assert_eq!(asked[0]["missing"], json!(["title", "company", "avatar"]));

    let (_, second) = app
        .post("/api/v1/sync/push", Some(&token), body.clone())
        .await;
    assert_eq!(
        second["backfillNeeded"].as_array().unwrap().len(),
        2,
        "the other two"
    );
    let (_, third) = app
        .post("/api/v1/sync/push", Some(&token), body.clone())
        .await;
    assert_eq!(
        third["backfillNeeded"].as_array().unwrap().len(),
        0,
        "all asked today"
    );

    app.clock.advance(Duration::hours(24));
    let (_, next_day) = app.post("/api/v1/sync/push", Some(&token), body).await;
    assert_eq!(next_day["backfillNeeded"].as_array().unwrap().len(), 10);
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
