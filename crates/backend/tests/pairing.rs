//! Pairing codes, polling, claiming, rate limits and token lifetimes.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::json;

use crate::helpers::TestApp;

/// The token id of the first paired browser the settings page lists.
async fn first_paired_browser(app: &TestApp, browser: &crate::helpers::Browser) -> String {
    let (_, html) = app
        .page("/settings/integrations/linkedin", &browser.cookie)
        .await;
    html.split("data-token-id=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

async fn new_code(app: &TestApp) -> serde_json::Value {
    let (status, code) = app
        .post(
            "/api/v1/pairing/codes",
            None,
            json!({"clientName": "Chrome on Linux"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    code
}

#[tokio::test]
async fn codes_have_the_ping_prefix_and_six_unambiguous_characters() {
    let app = TestApp::new().await;
    let code = new_code(&app).await;
    let code = code["code"].as_str().unwrap();
    let tail = code.strip_prefix("PING-").unwrap();
    assert_eq!(tail.len(), 6);
    assert!(
        tail.chars()
            .all(|c| "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c))
    );
}

#[tokio::test]
async fn a_code_is_pending_until_paired_and_then_yields_the_token_once() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    let code = new_code(&app).await;
    let poll = json!({"code": code["code"], "pollSecret": code["pollSecret"]});

    let (status, pending) = app.post("/api/v1/pairing/poll", None, poll.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pending["status"], "pending");
    assert_eq!(
        pending["expiresAt"], code["expiresAt"],
        "camelCase like every wire field"
    );

    let (status, _) = app
        .session_post(
            "/api/v1/pairing/pair",
            &browser,
            json!({"code": code["code"]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (_, paired) = app.post("/api/v1/pairing/poll", None, poll.clone()).await;
    assert_eq!(paired["status"], "paired");
    let token = paired["token"]["token"].as_str().unwrap();
    let (status, _) = app.get("/api/v1/sync/status", Some(token)).await;
    assert_eq!(status, StatusCode::OK);

    let (status, again) = app.post("/api/v1/pairing/poll", None, poll).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the token is handed out once: {again}"
    );
}

#[tokio::test]
async fn the_code_alone_never_collects_the_token() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    let code = new_code(&app).await;
    app.session_post(
        "/api/v1/pairing/pair",
        &browser,
        json!({"code": code["code"]}),
    )
    .await;
    let (status, body) = app
        .post(
            "/api/v1/pairing/poll",
            None,
            json!({"code": code["code"], "pollSecret": "guess"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["serviceErrorCode"], "PAIRING_CODE_UNKNOWN");
}

#[tokio::test]
async fn a_wrong_code_is_unknown_and_an_expired_code_says_it_expired() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    let (status, body) = app
        .session_post(
            "/api/v1/pairing/pair",
            &browser,
            json!({"code": "PING-ZZZZZZ"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["serviceErrorCode"], "PAIRING_CODE_UNKNOWN");

    let code = new_code(&app).await;
    app.clock
        .advance(Duration::minutes(10) + Duration::seconds(1));
    let (status, body) = app
        .session_post(
            "/api/v1/pairing/pair",
            &browser,
            json!({"code": code["code"]}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(body["serviceErrorCode"], "PAIRING_CODE_EXPIRED");
    let (_, polled) = app
        .post(
            "/api/v1/pairing/poll",
            None,
            json!({"code": code["code"], "pollSecret": code["pollSecret"]}),
        )
        .await;
    assert_eq!(polled["status"], "expired");
}

#[tokio::test]
async fn ten_wrong_codes_rate_limit_the_user_for_ten_minutes() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    for _ in 0..10 {
        let (status, _) = app
            .session_post(
                "/api/v1/pairing/pair",
                &browser,
                json!({"code": "PING-WRONG2"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let code = new_code(&app).await;
    let (status, body) = app
        .session_post(
            "/api/v1/pairing/pair",
            &browser,
            json!({"code": code["code"]}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even a right code waits"
    );
    assert_eq!(body["serviceErrorCode"], "RATE_LIMITED");

    app.clock
        .advance(Duration::minutes(10) + Duration::seconds(1));
    let fresh = new_code(&app).await;
    let (status, _) = app
        .session_post(
            "/api/v1/pairing/pair",
            &browser,
            json!({"code": fresh["code"]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "the window has passed");
}

#[tokio::test]
async fn wrong_claims_rate_limit_the_client_address() {
    let app = TestApp::new().await;
    for _ in 0..10 {
        let (status, _) = app
            .post(
                "/api/v1/pairing/claim",
                None,
                json!({"code": "PING-AAAAAA", "clientName": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = app
        .post(
            "/api/v1/pairing/claim",
            None,
            json!({"code": "PING-AAAAAA", "clientName": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["serviceErrorCode"], "RATE_LIMITED");
}

#[tokio::test]
async fn a_token_expires_after_thirty_days() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    app.clock.advance(Duration::days(30) - Duration::seconds(1));
    let (status, _) = app.get("/api/v1/sync/status", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    app.clock.advance(Duration::seconds(1));
    let (status, body) = app.get("/api/v1/sync/status", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["serviceErrorCode"], "TOKEN_EXPIRED");
}

#[tokio::test]
async fn a_revoked_token_is_refused_as_revoked() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    let id = first_paired_browser(&app, &browser).await;
    let request = axum::http::Request::builder()
        .method(Method::DELETE)
        .uri(format!("/api/v1/pairing/tokens/{id}"))
        .header("cookie", &browser.cookie)
        .header("x-csrf-token", &browser.csrf)
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _, _) = app.send(request).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.get("/api/v1/sync/status", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["serviceErrorCode"], "TOKEN_REVOKED");
}

#[tokio::test]
async fn an_unknown_token_is_invalid() {
    let app = TestApp::new().await;
    let (status, body) = app.get("/api/v1/sync/status", Some("made-up")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["serviceErrorCode"], "TOKEN_INVALID");
    let (status, body) = app.post("/api/v1/sync/runs", None, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["serviceErrorCode"], "TOKEN_INVALID");
}

#[tokio::test]
async fn refresh_gives_a_new_thirty_day_token_and_revokes_the_old_one() {
    let app = TestApp::new().await;
    let (_, old) = app.paired_user("ada@example.com").await;
    app.clock.advance(Duration::days(20));
    let (status, fresh) = app
        .post("/api/v1/pairing/refresh", Some(&old), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let new = fresh["token"].as_str().unwrap();
    assert_ne!(new, old);
    app.clock.advance(Duration::minutes(2));
    let (_, body) = app.get("/api/v1/sync/status", Some(&old)).await;
    assert_eq!(
        body["serviceErrorCode"], "TOKEN_REVOKED",
        "once the grace is over"
    );
    app.clock.advance(Duration::days(29));
    let (status, _) = app.get("/api/v1/sync/status", Some(new)).await;
    assert_eq!(status, StatusCode::OK, "valid 30 days from the refresh");
}

#[tokio::test]
async fn four_concurrent_refreshes_of_one_token_all_get_the_same_new_token() {
    let app = TestApp::new().await;
    let (_, old) = app.paired_user("ada@example.com").await;
    app.clock.advance(Duration::days(25));
    let refresh = || app.post("/api/v1/pairing/refresh", Some(&old), json!({}));
    let (a, b, c, d) = tokio::join!(refresh(), refresh(), refresh(), refresh());
    let mut tokens = Vec::new();
    for (status, body) in [a, b, c, d] {
        assert_eq!(status, StatusCode::OK, "{body}");
        tokens.push(body["token"].as_str().unwrap().to_owned());
    }
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "one new token for all four: {tokens:?}");
    let new = &tokens[0];
    assert_ne!(new, &old);

    // Within the grace period a late refresh gets it again, and the old token still answers.
    app.clock.advance(Duration::seconds(30));
    let (status, again) = app
        .post("/api/v1/pairing/refresh", Some(&old), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["token"], json!(new));
    let (status, _) = app.get("/api/v1/sync/status", Some(&old)).await;
    assert_eq!(status, StatusCode::OK);
    let browser = app.login("ada@example.com").await;
    let (_, html) = app
        .page("/settings/integrations/linkedin", &browser.cookie)
        .await;
    assert_eq!(
        html.matches("data-token-id=").count(),
        1,
        "one paired browser"
    );

    // After it, the old token is refused, and so is a refresh of it.
    app.clock.advance(Duration::seconds(31));
    let (_, body) = app.get("/api/v1/sync/status", Some(&old)).await;
    assert_eq!(body["serviceErrorCode"], "TOKEN_REVOKED");
    let (_, body) = app
        .post("/api/v1/pairing/refresh", Some(&old), json!({}))
        .await;
    assert_eq!(body["serviceErrorCode"], "TOKEN_REVOKED");
    let (status, _) = app.get("/api/v1/sync/status", Some(new)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn revoking_the_new_token_ends_the_old_ones_grace_at_once() {
    let app = TestApp::new().await;
    let (browser, old) = app.paired_user("ada@example.com").await;
    let (_, fresh) = app
        .post("/api/v1/pairing/refresh", Some(&old), json!({}))
        .await;
    let new = fresh["token"].as_str().unwrap();
    let id = first_paired_browser(&app, &browser).await;
    let (status, _, _) = app
        .form(
            &format!("/settings/integrations/linkedin/tokens/{id}/revoke"),
            &browser,
            &[("csrf", &browser.csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for token in [new, old.as_str()] {
        let (_, body) = app.get("/api/v1/sync/status", Some(token)).await;
        assert_eq!(body["serviceErrorCode"], "TOKEN_REVOKED");
    }
    let (_, body) = app
        .post("/api/v1/pairing/refresh", Some(&old), json!({}))
        .await;
    assert_eq!(body["serviceErrorCode"], "TOKEN_REVOKED");
}

#[tokio::test]
async fn hello_says_a_refresh_is_due_only_in_the_tokens_last_week() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let hello = json!({"account": null, "extensionVersion": "0.1.0"});
    let (status, body) = app
        .post("/api/v1/extension/hello", Some(&token), hello.clone())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["refreshDue"], false, "a fresh token");
    app.clock.advance(Duration::days(24));
    let (_, body) = app
        .post("/api/v1/extension/hello", Some(&token), hello)
        .await;
    assert_eq!(body["refreshDue"], true, "six days left");
}

#[tokio::test]
async fn a_code_shown_in_the_web_ui_is_claimed_once_by_the_popup() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    let (status, _, html) = app
        .form(
            "/settings/integrations/linkedin/code",
            &browser,
            &[("csrf", &browser.csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let code = html
        .split("id=\"extension-code\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    let claim = json!({"code": code, "clientName": "Chrome on Mac"});
    let (status, token) = app.post("/api/v1/pairing/claim", None, claim.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .get("/api/v1/sync/status", token["token"].as_str())
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.post("/api/v1/pairing/claim", None, claim).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "single use");
}

#[tokio::test]
async fn an_expired_web_code_cannot_be_claimed() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    let (_, _, html) = app
        .form(
            "/settings/integrations/linkedin/code",
            &browser,
            &[("csrf", &browser.csrf)],
        )
        .await;
    let code = html
        .split("id=\"extension-code\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    app.clock.advance(Duration::minutes(11));
    let (status, body) = app
        .post(
            "/api/v1/pairing/claim",
            None,
            json!({"code": code, "clientName": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(body["serviceErrorCode"], "PAIRING_CODE_EXPIRED");
}

#[tokio::test]
async fn one_address_gets_thirty_codes_per_ten_minutes_then_is_told_when_to_retry() {
    let app = TestApp::new().await;
    for _ in 0..30 {
        new_code(&app).await;
    }
    let request = axum::http::Request::post("/api/v1/pairing/codes")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(r#"{"clientName":"Chrome"}"#))
        .unwrap();
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["retry-after"], "600");
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["serviceErrorCode"], "RATE_LIMITED");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("too many pairing codes")
    );
    app.clock.advance(Duration::minutes(11));
    new_code(&app).await;
}

#[tokio::test]
async fn over_a_real_socket_wrong_codes_are_counted_per_client_address() {
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let service = app
        .router()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let response = client
            .post(format!("http://{address}/api/v1/pairing/claim"))
            .header("content-type", "application/json")
            .body(r#"{"code":"PING-AAAAAA","clientName":"x"}"#)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses[..10], [404; 10]);
    assert_eq!(statuses[10], 429);
    use ping_backend::store::RateLimitStore as _;
    let since = crate::helpers::start_time() - Duration::minutes(1);
    assert_eq!(
        app.store
            .count_attempts("pairing:ip:127.0.0.1", since)
            .await
            .unwrap(),
        10
    );
}
