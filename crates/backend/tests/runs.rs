//! Run reports, sync status and the queued sync request the extension honours.

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;

use crate::fixtures::*;
use crate::helpers::{TestApp, start_time};

pub fn report(outcome: &str) -> serde_json::Value {
    json!({
        "runId": "run-1",
        "account": OWNER,
        "trigger": "requested",
        "startedAt": start_time() - Duration::seconds(42),
        "finishedAt": start_time(),
        "outcome": outcome,
        "conversationsProcessed": 1,
        "messagesProcessed": 3,
        "profilesBackfilled": 0,
        "requestsMade": 4,
        "errors": [],
    })
}

#[tokio::test]
async fn a_requested_sync_is_queued_delivered_by_hello_and_done_by_the_run_report() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;

    let (status, request) = app
        .session_post(
            "/api/v1/conversations/sync",
            &browser,
            json!({"accountId": OWNER, "force": true}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(request["state"], "queued");
    let id = request["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/conversations/sync/{id}");

    let (_, hello) = app
        .post(
            "/api/v1/extension/hello",
            Some(&token),
            json!({"account": OWNER, "extensionVersion": "0.1.0"}),
        )
        .await;
    assert_eq!(hello["syncRequested"]["id"], id);
    assert_eq!(hello["syncRequested"]["state"], "delivered");
    assert_eq!(hello["syncRequested"]["force"], true);
    assert!(hello["tokenExpiresAt"].is_string());
    let (_, again) = app
        .post(
            "/api/v1/extension/hello",
            Some(&token),
            json!({"account": OWNER, "extensionVersion": "0.1.0"}),
        )
        .await;
    assert_eq!(again["syncRequested"], json!(null), "delivered once");

    let (_, polled) = app.get(&path, Some(&token)).await;
    assert_eq!(polled["state"], "delivered");
    let (status, _) = app
        .post("/api/v1/sync/runs", Some(&token), report("completed"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, polled) = app.get(&path, Some(&token)).await;
    assert_eq!(polled["state"], "done");
}

#[tokio::test]
async fn asking_again_while_a_request_is_pending_joins_it() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let ask = |force| json!({"accountId": OWNER, "force": force});

    let (_, first) = app
        .session_post("/api/v1/conversations/sync", &browser, ask(false))
        .await;
    let (status, second) = app
        .session_post("/api/v1/conversations/sync", &browser, ask(true))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(second["id"], first["id"], "one run, not two");
    assert_eq!(
        second["force"], true,
        "the forced ask made the queued request forced"
    );

    let hello = json!({"account": OWNER, "extensionVersion": "0.1.0"});
    let (_, delivered) = app
        .post("/api/v1/extension/hello", Some(&token), hello.clone())
        .await;
    assert_eq!(delivered["syncRequested"]["id"], first["id"]);
    // Asked again while that run goes, by the API and by the web UI's button: still one run.
    let (_, third) = app
        .session_post("/api/v1/conversations/sync", &browser, ask(true))
        .await;
    assert_eq!(third["id"], first["id"]);
    assert_eq!(third["state"], "delivered");
    let (status, _, _) = app
        .form(
            "/settings/integrations/linkedin/sync",
            &browser,
            &[("csrf", &browser.csrf), ("account_id", OWNER)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, again) = app
        .post("/api/v1/extension/hello", Some(&token), hello)
        .await;
    assert_eq!(
        again["syncRequested"],
        json!(null),
        "nothing more was queued"
    );
}

#[tokio::test]
async fn status_reports_every_account_or_one_by_account_id() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    app.post("/api/v1/sync/runs", Some(&token), report("completed"))
        .await;

    let (status, all) = app.get("/api/v1/sync/status", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let account = &all["accounts"][0];
    assert_eq!(account["accountId"], OWNER);
    assert_eq!(account["name"], "Ada Example");
    assert_eq!(account["conversations"], 1);
    assert_eq!(account["messages"], 3);
    assert_eq!(account["contacts"], 1);
    assert_eq!(account["lastRun"]["messagesProcessed"], 3);

    let (status, one) = app
        .get(
            &format!(
                "/api/v1/sync/status?accountId={}",
                crate::helpers::urlencode(OWNER)
            ),
            Some(&token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["accounts"].as_array().unwrap().len(), 1);
    let other = crate::helpers::urlencode(&member(9).to_string());
    let (status, _) = app
        .get(
            &format!("/api/v1/sync/status?accountId={other}"),
            Some(&token),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The web UI reads the same status with its session.
    let (_, html) = app.page("/history", &browser.cookie).await;
    assert!(html.contains("id=\"sync-history\""));
    assert!(html.contains("completed"));
}

#[tokio::test]
async fn status_needs_a_session_or_a_token() {
    let app = TestApp::new().await;
    let (status, body) = app.get("/api/v1/sync/status", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["serviceErrorCode"], "UNAUTHENTICATED");
}
