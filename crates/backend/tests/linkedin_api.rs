//! The ConnectSafely-compatible API for other programs: API keys made in Settings, a sync call
//! that waits for the extension's run, and the sync status of each account.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use ping_backend::secrets::sha256_hex;
use serde_json::{Value, json};
use sqlx::Row as _;
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

use crate::fixtures::*;
use crate::helpers::{Browser, TestApp, urlencode};
use crate::openapi::Document;
use crate::runs::report;

const SYNC: &str = "/api/v1/linkedin/conversations/sync";
const STATUS: &str = "/api/v1/linkedin/sync/status";

/// Creates an API key in Settings the way a browser does; returns the key the page shows.
pub(crate) async fn create_key(app: &TestApp, browser: &Browser, name: &str) -> String {
    let (status, _, html) = app
        .form(
            "/settings/api-keys",
            browser,
            &[("csrf", &browser.csrf), ("name", name)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    html.split("id=\"new-api-key\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the new key on the page")
        .to_owned()
}

/// A user with a paired extension that pushed a conversation, and an API key.
async fn synced_user(app: &TestApp, email: &str) -> (Browser, String, String) {
    let (browser, token) = app.paired_user(email).await;
    let (status, _) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    assert_eq!(status, StatusCode::OK);
    let key = create_key(app, &browser, "n8n").await;
    (browser, token, key)
}

/// A sync call running on its own, as a program waiting for its answer.
fn spawn_call(router: Router, key: &str, body: Value) -> JoinHandle<(StatusCode, Value)> {
    let request = Request::post(SYNC)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    tokio::spawn(async move {
        let response = router.oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    })
}

/// The extension checks in until the backend hands it a sync request; returns the request.
async fn extension_picks_up(app: &TestApp, token: &str) -> Value {
    let hello = json!({"account": OWNER, "extensionVersion": "0.1.0"});
    for _ in 0..500 {
        let (status, answer) = app
            .post("/api/v1/extension/hello", Some(token), hello.clone())
            .await;
        assert_eq!(status, StatusCode::OK);
        if !answer["syncRequested"].is_null() {
            return answer["syncRequested"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    panic!("no sync request reached the extension");
}

/// A queued request with its random id replaced, for snapshots.
fn without_id(mut request: Value) -> Value {
    assert_eq!(request["id"].as_str().map(str::len), Some(43), "{request}");
    request["id"] = json!("[id]");
    request
}

#[tokio::test]
async fn a_key_is_shown_once_stored_hashed_and_listed_with_its_times() {
    let app = TestApp::new().await;
    let (browser, _, key) = synced_user(&app, "ada@example.com").await;
    assert!(key.starts_with("ping_sk_") && key.len() == 8 + 43, "{key}");

    let (_, page) = app.page("/settings/api-keys", &browser.cookie).await;
    assert!(!page.contains(&key), "shown once only");
    assert!(page.contains("n8n") && page.contains(&format!("{}…", &key[..12])));
    assert!(page.contains("never"), "not used yet");
    let rows = sqlx::query("SELECT key_hash, prefix FROM api_keys")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let stored: String = rows[0].try_get("key_hash").unwrap();
    assert_eq!(stored, sha256_hex(&key));

    app.clock.advance(Duration::minutes(5));
    let (status, _) = app.get(STATUS, Some(&key)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = app.page("/settings/api-keys", &browser.cookie).await;
    assert!(page.contains("2026-05-28 20:31 UTC"), "last used: {page}");

    let (status, _, html) = app
        .form(
            "/settings/api-keys",
            &browser,
            &[("csrf", &browser.csrf), ("name", "  ")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"api-key-error\""));
    let (status, _, _) = app
        .form(
            "/settings/api-keys",
            &browser,
            &[("csrf", "forged"), ("name", "x")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_sync_call_answers_with_the_counts_of_the_run_the_extension_reports() {
    let app = TestApp::new().await;
    let (_, token, key) = synced_user(&app, "ada@example.com").await;
    let call = spawn_call(
        app.router(),
        &key,
        json!({"accountId": OWNER, "force": true, "wait": 30}),
    );
    let request = extension_picks_up(&app, &token).await;
    assert_eq!(request["force"], true);
    assert!(!call.is_finished(), "waits for the run");
    let mut run = report("completed");
    run["messagesProcessed"] = json!(7);
    let (status, _) = app.post("/api/v1/sync/runs", Some(&token), run).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, answer) = call.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!("sync_done", answer);
    Document::served(&app)
        .await
        .assert_valid("SyncResult", &answer);
}

#[tokio::test]
async fn a_sync_call_answers_202_with_the_queued_request_when_the_wait_ends_first() {
    let app = TestApp::new().await;
    let (_, token, key) = synced_user(&app, "ada@example.com").await;

    // No wait: the request is queued and answered at once.
    let (status, queued) = app
        .post(
            SYNC,
            Some(&key),
            json!({"accountId": OWNER, "force": false}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let id = queued["id"].clone();
    insta::assert_json_snapshot!("sync_queued", without_id(queued.clone()));
    Document::served(&app)
        .await
        .assert_valid("SyncRequest", &queued);

    // A wait the backend's clock runs out: the same request, now picked up by the extension.
    assert_eq!(extension_picks_up(&app, &token).await["id"], id);
    let call = spawn_call(app.router(), &key, json!({"accountId": OWNER, "wait": 60}));
    while !call.is_finished() {
        app.clock.advance(Duration::seconds(61));
        app.state.runs_reported.send_modify(|_| ());
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let (status, waited) = call.await.unwrap();
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(
        waited["id"], id,
        "a pending request is joined, not asked for twice"
    );
    assert_eq!(waited["state"], "delivered");

    // Once the run is reported, the status says so; a new call queues a new request.
    app.post("/api/v1/sync/runs", Some(&token), report("failed"))
        .await;
    let (status, again) = app
        .post(SYNC, Some(&key), json!({"accountId": OWNER, "wait": 0}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_ne!(again["id"], id);
    assert_eq!(again["state"], "queued");
}

#[tokio::test]
async fn a_forced_call_joining_a_queued_unforced_request_makes_it_forced() {
    let app = TestApp::new().await;
    let (_, token, key) = synced_user(&app, "ada@example.com").await;
    let (_, unforced) = app
        .post(
            SYNC,
            Some(&key),
            json!({"accountId": OWNER, "force": false}),
        )
        .await;
    assert_eq!(unforced["force"], false);

    let (status, joined) = app
        .post(SYNC, Some(&key), json!({"accountId": OWNER, "force": true}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(joined["id"], unforced["id"], "joined, not asked for twice");
    assert_eq!(joined["force"], true);
    // What reaches the extension passes the 2-hour throttle, as the forced caller asked.
    assert_eq!(extension_picks_up(&app, &token).await["force"], true);
}

#[tokio::test]
async fn simultaneous_calls_for_one_account_answer_with_the_same_request() {
    let app = TestApp::new().await;
    let (_, token, key) = synced_user(&app, "ada@example.com").await;
    let calls: Vec<_> = (0..6)
        .map(|n| {
            spawn_call(
                app.router(),
                &key,
                json!({"accountId": OWNER, "force": n == 3}),
            )
        })
        .collect();
    let mut ids = Vec::new();
    for call in calls {
        let (status, answer) = call.await.unwrap();
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        ids.push(answer["id"].as_str().unwrap().to_owned());
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "one request: {ids:?}");
    let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sync_requests")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(stored, 1, "no second request was stored");
    let delivered = extension_picks_up(&app, &token).await;
    assert_eq!(delivered["id"], ids[0].as_str());
    assert_eq!(
        delivered["force"], true,
        "the forced caller's request is forced"
    );
}

#[tokio::test]
async fn a_failed_run_is_answered_with_success_false_and_its_error() {
    let app = TestApp::new().await;
    let (_, token, key) = synced_user(&app, "ada@example.com").await;
    let call = spawn_call(app.router(), &key, json!({"accountId": OWNER, "wait": 5}));
    extension_picks_up(&app, &token).await;
    let mut run = report("failed");
    run["errors"] = json!(["LinkedIn session expired: log in to linkedin.com"]);
    app.post("/api/v1/sync/runs", Some(&token), run).await;
    let (status, answer) = call.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!("sync_failed", answer);
}

#[tokio::test]
async fn status_lists_every_account_or_one_with_its_last_sync_and_counts() {
    let app = TestApp::new().await;
    let (_, token, key) = synced_user(&app, "ada@example.com").await;
    let (status, before) = app.get(STATUS, Some(&key)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(before["accounts"][0]["state"], "never");
    app.post("/api/v1/sync/runs", Some(&token), report("completed"))
        .await;

    let (status, all) = app.get(STATUS, Some(&key)).await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!("status_all", all);
    let document = Document::served(&app).await;
    document.assert_valid("StatusAll", &all);

    let (status, one) = app
        .get(&format!("{STATUS}/{}", urlencode(OWNER)), Some(&key))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["account"], all["accounts"][0]);
    document.assert_valid("StatusOne", &one);
    // The bare id names the same account.
    let bare = OWNER.rsplit(':').next().unwrap();
    let (status, same) = app.get(&format!("{STATUS}/{bare}"), Some(&key)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(same, one);

    // A queued request shows, then the extension's pick-up.
    app.post(SYNC, Some(&key), json!({"accountId": bare})).await;
    let (_, queued) = app.get(STATUS, Some(&key)).await;
    assert_eq!(queued["accounts"][0]["state"], "queued");
    extension_picks_up(&app, &token).await;
    let (_, syncing) = app.get(STATUS, Some(&key)).await;
    assert_eq!(syncing["accounts"][0]["state"], "syncing");
}

#[tokio::test]
async fn unknown_accounts_are_404_and_malformed_calls_400() {
    let app = TestApp::new().await;
    let (_, _, key) = synced_user(&app, "ada@example.com").await;
    let stranger = member(9).to_string();
    let (status, body) = app
        .post(SYNC, Some(&key), json!({"accountId": stranger, "wait": 5}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!("unknown_account", body);
    let (status, _) = app
        .get(&format!("{STATUS}/{}", urlencode(&stranger)), Some(&key))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for bad in [
        json!({"accountId": "not an id"}),
        json!({"force": true}),
        json!({"accountId": OWNER, "wait": 61}),
        json!({"accountId": OWNER, "wait": -1}),
    ] {
        let (status, body) = app.post(SYNC, Some(&key), bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (_, all) = app.get(STATUS, Some(&key)).await;
    assert!(
        all["accounts"][0]["pendingRequest"].is_null(),
        "nothing queued"
    );
}

#[tokio::test]
async fn only_a_live_key_of_the_accounts_user_opens_the_linkedin_routes() {
    let app = TestApp::new().await;
    let (browser, token, key) = synced_user(&app, "ada@example.com").await;
    let (other_browser, _) = app.paired_user("bob@example.com").await;
    let other_key = create_key(&app, &other_browser, "bob's script").await;

    // Another user's key sees none of this user's accounts.
    let (status, theirs) = app.get(STATUS, Some(&other_key)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(theirs["accounts"], json!([]));
    let (status, _) = app
        .post(SYNC, Some(&other_key), json!({"accountId": OWNER}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get(&format!("{STATUS}/{}", urlencode(OWNER)), Some(&other_key))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // No key, a made-up key, the extension's token, the web session: 401.
    let (status, body) = app.get(STATUS, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    insta::assert_json_snapshot!("no_key", body);
    for credential in ["ping_sk_made-up", token.as_str()] {
        let (status, _) = app.get(STATUS, Some(credential)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{credential}");
        let (status, _) = app
            .post(SYNC, Some(credential), json!({"accountId": OWNER}))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = app.page(STATUS, &browser.cookie).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a session opens no key route"
    );

    // A key opens neither the extension's routes nor the web UI's.
    let (status, _) = app.get("/api/v1/sync/status", Some(&key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .post(
            "/api/v1/extension/hello",
            Some(&key),
            json!({"account": OWNER, "extensionVersion": "0.1.0"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let request = Request::get("/contacts")
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = app.send(request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/login");

    // Revoked in Settings: refused from then on; another user cannot revoke it.
    let (_, page) = app.page("/settings/api-keys", &browser.cookie).await;
    let id = page
        .split("data-api-key-id=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let path = format!("/settings/api-keys/{id}/revoke");
    let (status, _, _) = app
        .form(&path, &other_browser, &[("csrf", &other_browser.csrf)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get(STATUS, Some(&key)).await;
    assert_eq!(status, StatusCode::OK, "still live");
    let (status, headers, _) = app.form(&path, &browser, &[("csrf", &browser.csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/settings/api-keys?revoked=1");
    let (status, body) = app.get(STATUS, Some(&key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["serviceErrorCode"], "UNAUTHENTICATED");
    let (status, _) = app
        .post(SYNC, Some(&key), json!({"accountId": OWNER}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, page) = app.page("/settings/api-keys", &browser.cookie).await;
    assert!(
        page.contains("id=\"no-api-keys\""),
        "a revoked key is not listed"
    );
}

#[tokio::test]
async fn the_openapi_document_names_the_key_and_both_answers_of_the_sync_call() {
    let app = TestApp::new().await;
    let Document(document) = Document::served(&app).await;
    let sync = &document["paths"][SYNC]["post"];
    assert_eq!(sync["security"], json!([{"apiKey": []}]));
    for (status, schema) in [("200", "SyncResult"), ("202", "SyncRequest")] {
        assert_eq!(
            sync["responses"][status]["content"]["application/json"]["schema"]["$ref"],
            format!("#/components/schemas/{schema}"),
            "{status}"
        );
    }
    for path in [STATUS, "/api/v1/linkedin/sync/status/{accountId}"] {
        assert_eq!(
            document["paths"][path]["get"]["security"],
            json!([{"apiKey": []}])
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["apiKey"]["scheme"],
        "bearer"
    );
}
