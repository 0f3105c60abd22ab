//! Avatar downloads against a tiny local media server, and the browser upload path.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use base64::Engine as _;
use ping_backend::avatars::{
    AvatarPolicy, AvatarWorker, FetchError, JobResult, download, http_client,
};
use ping_backend::store::{LibraryStore as _, UserStore as _};
use serde_json::json;

use ping_core::ids::ProfileUrn;
use ping_core::model::Picture;

use crate::fixtures::*;
use crate::helpers::{TestApp, start_time};

const MAX_BYTES: usize = 1024;

fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, 7);
    bytes
}

/// Serves pictures on 127.0.0.1 (port 0, bound before the task starts) and logs requests.
async fn media_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let app = Router::new()
        .route(
            "/ok.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], png(200)) }),
        )
        .route(
            "/big.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], png(MAX_BYTES * 2)) }),
        )
        .route(
            "/page",
            get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<html>login</html>") }),
        )
        .route(
            "/lying.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], "<html>hi</html>") }),
        )
        .route("/forbidden", get(|| async { StatusCode::FORBIDDEN }))
        .route(
            "/redirect",
            get(|| async {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, "https://evil.example/x.png")],
                )
                    .into_response()
            }),
        )
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let seen = seen.clone();
                async move {
                    seen.lock().unwrap().push(request.uri().to_string());
                    next.run(request).await
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), log)
}

fn local_policy() -> AvatarPolicy {
    AvatarPolicy {
        hosts: vec!["media.licdn.com".into(), "127.0.0.1".into()],
        allow_http: true,
        max_bytes: MAX_BYTES,
    }
}

async fn app_with_avatar(
    picture_url: &str,
) -> (TestApp, crate::helpers::Browser, String, AvatarWorker) {
    let app = TestApp::with_policy(local_policy()).await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    let mut batch = small_batch();
    batch.conversations[0].participants[1].picture = Some(picture(picture_url, "asset-1"));
    let (status, _) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;
    assert_eq!(status, StatusCode::OK);
    let worker = AvatarWorker::new(
        app.state.store.clone(),
        app.state.clock.clone(),
        local_policy(),
        &[],
    )
    .unwrap();
    (app, browser, token, worker)
}

#[tokio::test]
async fn the_worker_downloads_the_best_sized_picture_and_serves_it_to_its_owner_only() {
    let (base, log) = media_server().await;
    let (app, browser, _, worker) = app_with_avatar(&format!("{base}/ok.png")).await;
    assert_eq!(worker.run_once().await.unwrap(), JobResult::Stored);
    assert_eq!(worker.run_once().await.unwrap(), JobResult::Idle);
    assert_eq!(
        log.lock().unwrap().as_slice(),
        ["/ok.png"],
        "the 400px artifact, once"
    );

    let user = app
        .store
        .find_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let contact = app
        .store
        .find_contact_by_urn(user, &member(1).to_string())
        .await
        .unwrap()
        .unwrap();
    let hash = contact.avatar_hash.expect("stored by content hash");
    let request = axum::http::Request::get(format!("/avatars/{hash}"))
        .header(header::COOKIE, &browser.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, headers, _) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(
        headers[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff",
        "a browser must not guess"
    );
    app.create_user("eve@example.com").await;
    let eve = app.login("eve@example.com").await;
    let (status, _) = app.page(&format!("/avatars/{hash}"), &eve.cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn urls_off_the_allow_list_or_not_https_are_refused() {
    let policy = local_policy();
    let client = http_client(&policy, &[]).unwrap();
    for url in ["https://evil.example/x.png", "ftp://media.licdn.com/x.png"] {
        assert!(
            matches!(
                download(&client, &policy, url).await,
                Err(FetchError::Policy(_))
            ),
            "{url}"
        );
    }
    let strict = AvatarPolicy {
        allow_http: false,
        ..local_policy()
    };
    let client = http_client(&strict, &[]).unwrap();
    let result = download(&client, &strict, "http://127.0.0.1:9/ok.png").await;
    assert!(
        matches!(result, Err(FetchError::Policy(_))),
        "plain http is refused by default"
    );
}

#[tokio::test]
async fn oversized_and_non_image_downloads_are_refused() {
    let (base, _) = media_server().await;
    let policy = local_policy();
    let client = http_client(&policy, &[]).unwrap();
    for path in ["/big.png", "/page", "/lying.png"] {
        let result = download(&client, &policy, &format!("{base}{path}")).await;
        assert!(
            matches!(result, Err(FetchError::Policy(_))),
            "{path}: {result:?}"
        );
    }
    assert!(
        download(&client, &policy, &format!("{base}/ok.png"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_redirect_off_the_allow_list_is_not_followed() {
    let (base, _) = media_server().await;
    let policy = local_policy();
    let client = http_client(&policy, &[]).unwrap();
    let result = download(&client, &policy, &format!("{base}/redirect")).await;
    assert!(matches!(result, Err(FetchError::Policy(_))), "{result:?}");
}

#[tokio::test]
async fn a_refused_download_is_asked_of_the_extension_and_its_upload_is_stored() {
    let (base, _) = media_server().await;
    let url = format!("{base}/forbidden");
    let (app, _, token, worker) = app_with_avatar(&url).await;
    assert_eq!(worker.run_once().await.unwrap(), JobResult::NeedsUpload);

    let (_, response) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    assert_eq!(
        response["avatarRequests"],
        json!([{"member": member(1).to_string(), "url": url}])
    );

    let upload = |source: &str, content_type: &str, bytes: &[u8]| {
        json!({
            "member": member(1).to_string(),
            "sourceUrl": source,
            "contentType": content_type,
            "dataBase64": base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    };
    let (status, body) = app
        .post(
            "/api/v1/avatars",
            Some(&token),
            upload("https://evil.example/a.png", "image/png", &png(100)),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["serviceErrorCode"], "AVATAR_REFUSED");
    let (status, _) = app
        .post(
            "/api/v1/avatars",
            Some(&token),
            upload(&url, "text/html", b"<html>"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .post(
            "/api/v1/avatars",
            Some(&token),
            upload(&url, "image/png", &png(MAX_BYTES + 1)),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, _) = app
        .post(
            "/api/v1/avatars",
            Some(&token),
            upload(&url, "image/png", &png(100)),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let user = app
        .store
        .find_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let contact = app
        .store
        .find_contact_by_urn(user, &member(1).to_string())
        .await
        .unwrap()
        .unwrap();
    assert!(contact.avatar_hash.is_some());
    let (_, response) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    assert_eq!(
        response["avatarRequests"],
        json!([]),
        "not asked again once stored"
    );
}

#[tokio::test]
async fn an_expired_avatar_url_goes_straight_to_the_extension() {
    let app = TestApp::with_policy(local_policy()).await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let mut batch = small_batch();
    let mut expired = picture("https://media.licdn.com/dms/image/old", "asset-2");
    for artifact in &mut expired.artifacts {
        artifact.expires_at = Some(start_time() - chrono::Duration::days(1));
    }
    batch.conversations[0].participants[1].picture = Some(expired);
    app.post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;
    let worker = AvatarWorker::new(
        app.state.store.clone(),
        app.state.clock.clone(),
        local_policy(),
        &[],
    )
    .unwrap();
    assert_eq!(worker.run_once().await.unwrap(), JobResult::NeedsUpload);
}

/// Answers 200 with an image type, then sends one byte every 100 ms (1000 bytes in 100 s).
async fn drip_server() -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head =
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n\r\n";
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(b"\x89PNG\r\n\x1a\n").await;
                loop {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    if socket.write_all(&[7]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{address}/drip.png")
}

#[tokio::test]
async fn a_drip_fed_download_is_cut_at_its_deadline_and_asked_of_the_browser() {
    let url = drip_server().await;
    let (app, _, token, worker) = app_with_avatar(&url).await;
    let worker = worker.with_deadline(std::time::Duration::from_millis(500));
    let started = std::time::Instant::now();
    assert_eq!(worker.run_once().await.unwrap(), JobResult::NeedsUpload);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "bounded by the deadline, not the server: {:?}",
        started.elapsed()
    );
    assert_eq!(
        worker.run_once().await.unwrap(),
        JobResult::Idle,
        "not retried"
    );
    let (_, response) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    assert_eq!(response["avatarRequests"][0]["url"], json!(url));
}

/// Pushes two conversations, with member 1 and member 2 showing these pictures (queued in this
/// order); returns the two members.
async fn push_two_pictures(
    app: &TestApp,
    token: &str,
    first: Picture,
    second: Picture,
) -> (ProfileUrn, ProfileUrn) {
    let t = start_time();
    let (one, two) = (member(1), member(2));
    let mut batch = batch(
        vec![
            conversation("2-one", &[(&one, "One")], t),
            conversation("2-two", &[(&two, "Two")], t),
        ],
        vec![],
    );
    batch.conversations[0].participants[1].picture = Some(first);
    batch.conversations[1].participants[1].picture = Some(second);
    let (status, _) = app
        .post("/api/v1/sync/push", Some(token), to_json(&batch))
        .await;
    assert_eq!(status, StatusCode::OK);
    (one, two)
}

#[tokio::test]
async fn one_slow_download_does_not_hold_the_other_workers() {
    let (base, _) = media_server().await;
    let app = TestApp::with_policy(local_policy()).await;
    let (_, token) = app.paired_user("ada@example.com").await;
    // The slow picture is queued first, so it is claimed first.
    let slow = picture(&drip_server().await, "a-1");
    let fast = picture(&format!("{base}/ok.png"), "a-2");
    let (slow, fast) = push_two_pictures(&app, &token, slow, fast).await;
    let worker = AvatarWorker::new(
        app.state.store.clone(),
        app.state.clock.clone(),
        local_policy(),
        &[],
    )
    .unwrap();
    let workers = worker.spawn(2, app.state.avatar_wakeup.clone());
    app.state.avatar_wakeup.notify_one();
    let user = app.user_id("ada@example.com").await;
    let mut stored = None;
    for _ in 0..50 {
        stored = app.contact(user, &fast).await.avatar_hash;
        if stored.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        stored.is_some(),
        "the fast picture is stored while the slow one drips"
    );
    assert_eq!(
        app.contact(user, &slow).await.avatar_hash,
        None,
        "still dripping"
    );
    workers.iter().for_each(tokio::task::JoinHandle::abort);
}

#[tokio::test]
async fn a_picture_off_the_media_hosts_is_never_handed_to_the_browser_expired_or_not() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let mut expired = picture("http://169.254.169.254/latest/meta-data/iam", "a-1");
    for artifact in &mut expired.artifacts {
        artifact.expires_at = Some(start_time() - chrono::Duration::days(1));
    }
    let loopback = picture("https://127.0.0.1/admin.png", "a-2");
    push_two_pictures(&app, &token, expired, loopback).await;
    let worker = AvatarWorker::new(
        app.state.store.clone(),
        app.state.clock.clone(),
        app.state.config.avatar_policy.clone(),
        &[],
    )
    .unwrap();
    assert_eq!(
        worker.run_once().await.unwrap(),
        JobResult::Failed,
        "expired, still checked"
    );
    assert_eq!(worker.run_once().await.unwrap(), JobResult::Failed);
    let (_, response) = app
        .post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    assert_eq!(response["avatarRequests"], json!([]));
}

#[tokio::test]
async fn an_off_list_url_already_waiting_for_the_browser_is_dropped_not_handed_out() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    // As an older backend left it: waiting for the browser, with an address inside the network.
    sqlx::query(
        "UPDATE contacts SET avatar_state = 'needs_upload', \
         avatar_url = 'http://127.0.0.1:8080/admin' WHERE urn = $1",
    )
    .bind(member(1).to_string())
    .execute(app.store.pool())
    .await
    .unwrap();
    let (_, response) = app
        .post(
            "/api/v1/profiles",
            Some(&token),
            profiles_push(vec![profile(Some(&member(1)), None)]),
        )
        .await;
    assert_eq!(response["avatarRequests"], json!([]));
    let state: String = sqlx::query_scalar("SELECT avatar_state FROM contacts WHERE urn = $1")
        .bind(member(1).to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(state, "failed", "not met again");
}
