//! What every answer carries and what every request must name: security headers, a host this
//! backend answers for, and the client address behind proxies.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use serde_json::json;

use crate::helpers::TestApp;

fn get(path: &str, host: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path);
    if let Some(host) = host {
        request = request.header(header::HOST, host);
    }
    request.body(Body::empty()).unwrap()
}

fn assert_protected(headers: &HeaderMap, what: &str) {
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "{what}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{what}");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::new().await;
    for path in [
        "/login",
        "/contacts",
        "/api/v1/openapi.json",
        "/api/v1/sync/status",
        "/static/style.css",
        "/static/dialogs.js",
        "/no/such/page",
    ] {
        let (_, headers, _) = app.send(get(path, Some("127.0.0.1:8787"))).await;
        assert_protected(&headers, path);
    }
}

#[tokio::test]
async fn the_settings_page_loads_its_script_from_static_and_has_none_inline() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    let (status, html) = app
        .page("/settings/integrations/linkedin", &browser.cookie)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<script src="/static/dialogs.js" defer></script>"#));
    assert_eq!(html.matches("<script").count(), 1, "no inline script");
    let (status, headers, script) = app.send(get("/static/dialogs.js", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert!(String::from_utf8_lossy(&script).contains("showModal"));
}

#[tokio::test]
async fn a_request_for_another_host_is_refused_and_loopback_names_are_not() {
    let app = TestApp::new().await;
    for host in [
        "rebound.example:8787",
        "rebound.example",
        "192.168.1.10:8787",
    ] {
        let (status, _, body) = app.send(get("/login", Some(host))).await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("PING_PUBLIC_URL"),
            "{body}"
        );
    }
    let request = Request::post("/api/v1/pairing/codes")
        .header(header::HOST, "rebound.example:8787")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"clientName":"x"}"#))
        .unwrap();
    let (status, headers, _) = app.send(request).await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "the API too");
    assert_protected(&headers, "a refusal");
    // The default PING_PUBLIC_URL is on loopback; any loopback name and port is this machine.
    for host in [
        "127.0.0.1:8787",
        "127.0.0.1:43117",
        "localhost:8787",
        "[::1]:8787",
    ] {
        let (status, _, _) = app.send(get("/login", Some(host))).await;
        assert_eq!(status, StatusCode::OK, "{host}");
    }
}

#[tokio::test]
async fn the_public_urls_host_is_answered_on_any_port() {
    let app = TestApp::with_settings(|settings| {
        settings.public_url = "https://crm.example.com".into();
    })
    .await;
    for host in ["crm.example.com", "CRM.example.com:443", "localhost"] {
        let (status, _, _) = app.send(get("/login", Some(host))).await;
        assert_eq!(status, StatusCode::OK, "{host}");
    }
    let (status, _, _) = app.send(get("/login", Some("evil.example"))).await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
}

async fn claim_from(app: &TestApp, forwarded_for: &str) -> StatusCode {
    let request = Request::post("/api/v1/pairing/claim")
        .header("x-forwarded-for", forwarded_for)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"code": "PING-AAAAAA", "clientName": "x"}).to_string(),
        ))
        .unwrap();
    app.send(request).await.0
}

#[tokio::test]
async fn behind_a_proxy_the_client_cannot_choose_the_address_it_is_counted_under() {
    let app = TestApp::with_settings(|settings| settings.trusted_proxies = 1).await;
    // The client writes a new address of its own each time; the proxy appends the real one.
    for n in 0..10 {
        let spoofed = format!("198.51.100.{n}, 203.0.113.7");
        assert_eq!(claim_from(&app, &spoofed).await, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        claim_from(&app, "198.51.100.99, 203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS,
        "counted under 203.0.113.7 every time"
    );
    assert_eq!(
        claim_from(&app, "203.0.113.7, 192.0.2.1").await,
        StatusCode::NOT_FOUND,
        "another client (whatever it writes) is counted apart"
    );
}

#[tokio::test]
async fn two_proxies_deep_the_address_the_outer_one_saw_counts() {
    let app = TestApp::with_settings(|settings| settings.trusted_proxies = 2).await;
    for n in 0..10 {
        let chain = format!("198.51.100.{n}, 203.0.113.7, 10.0.0.1");
        assert_eq!(claim_from(&app, &chain).await, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        claim_from(&app, "203.0.113.7, 10.0.0.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
