//! The web UI: login, CSRF, pages, search, exports, and the OpenAPI document.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use ping_backend::routes::api::routes;
use ping_core::model::Message;
use serde_json::json;

use crate::fixtures::*;
use crate::helpers::{LoginClient, PASSWORD, TestApp, cookie_named, start_time, urlencode};

#[tokio::test]
async fn pages_send_strangers_to_the_login_page() {
    let app = TestApp::new().await;
    let (status, _, _) = app
        .send(Request::get("/contacts").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_session_cookie_is_http_only_and_lax() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let (status, headers, html) = app.submit_login("ada@example.com", "nope").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("Wrong email or password."));
    let cookies: Vec<_> = headers.get_all(header::SET_COOKIE).iter().collect();
    assert!(
        cookies
            .iter()
            .all(|cookie| !cookie.to_str().unwrap().starts_with("ping_session=")),
        "no session for a wrong password"
    );

    let (status, headers, _) = app
        .submit_login("ada@example.com", crate::helpers::PASSWORD)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.starts_with("ping_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "served over http in this test");
}

#[tokio::test]
async fn a_login_posted_from_another_site_is_refused_without_logging_in() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    // Another site can post the form, but cannot send the SameSite=Strict cookie with it.
    let form = format!(
        "email=ada%40example.com&password={}&csrf=guessed",
        urlencode(crate::helpers::PASSWORD)
    );
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(String::from_utf8_lossy(&body).contains("Log in again here"));
    let cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(
        cookie.starts_with("ping_login_csrf="),
        "a fresh form to retry"
    );
    assert!(cookie.contains("SameSite=Strict"));
}

#[tokio::test]
async fn ten_wrong_passwords_lock_their_address_for_fifteen_minutes() {
    let app = TestApp::with_settings(|settings| settings.trusted_proxies = 1).await;
    app.create_user("ada@example.com").await;
    let guesser = LoginClient::at("203.0.113.7");
    for _ in 0..10 {
        let (status, _, _) = app
            .submit_login_from("bob@example.com", "guess", &guesser)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, html) = app
        .submit_login_from("ada@example.com", PASSWORD, &guesser)
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "any email, from there"
    );
    assert!(html.contains("Too many failed logins: wait fifteen minutes"));

    app.clock.advance(chrono::Duration::minutes(16));
    let (status, _, _) = app
        .submit_login_from("ada@example.com", PASSWORD, &guesser)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn strangers_wrong_passwords_do_not_lock_the_owner_out() {
    let app = TestApp::with_settings(|settings| settings.trusted_proxies = 1).await;
    app.create_user("ada@example.com").await;
    // Ada logged in from her browser before: it keeps a device cookie.
    let (status, headers, _) = app
        .submit_login_from(
            "ada@example.com",
            PASSWORD,
            &LoginClient::at("198.51.100.1"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let device = cookie_named(&headers, "ping_device").expect("a device cookie");
    let device_header = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap())
        .find(|value| value.starts_with("ping_device="))
        .unwrap();
    assert!(device_header.contains("HttpOnly") && device_header.contains("SameSite=Strict"));

    // Ten wrong passwords for her account, each from an address of its own.
    for n in 0..10 {
        let stranger = LoginClient::at(&format!("203.0.113.{n}"));
        let (status, _, _) = app
            .submit_login_from("ada@example.com", "guess", &stranger)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // The account is closed to browsers it never logged in from, right password or not...
    let (status, _, _) = app
        .submit_login_from("ada@example.com", PASSWORD, &LoginClient::at("192.0.2.50"))
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "per-account protection holds"
    );
    // ...but not to Ada's own browser.
    let ada = LoginClient {
        address: Some("198.51.100.1".into()),
        cookies: vec![device],
    };
    let (status, headers, _) = app
        .submit_login_from("ada@example.com", PASSWORD, &ada)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the owner is not locked out");
    assert!(cookie_named(&headers, "ping_session").is_some());
    // A device cookie of another account is no key to this one.
    app.create_user("eve@example.com").await;
    let (_, headers, _) = app
        .submit_login_from("eve@example.com", PASSWORD, &LoginClient::at("192.0.2.9"))
        .await;
    let eve = LoginClient {
        address: Some("192.0.2.9".into()),
        cookies: vec![cookie_named(&headers, "ping_device").unwrap()],
    };
    let (status, _, _) = app
        .submit_login_from("ada@example.com", PASSWORD, &eve)
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_pair_form_needs_the_sessions_csrf_token() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    let (_, code) = app
        .post(
            "/api/v1/pairing/codes",
            None,
            json!({"clientName": "Chrome"}),
        )
        .await;
    let code = code["code"].as_str().unwrap();

    let (status, _, _) = app
        .form(
            "/settings/integrations/linkedin/pair",
            &browser,
            &[("csrf", "forged"), ("code", code)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .json(
            axum::http::Method::POST,
            "/api/v1/pairing/pair",
            None,
            Some(json!({"code": code})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, headers, _) = app
        .form(
            "/settings/integrations/linkedin/pair",
            &browser,
            &[("csrf", &browser.csrf), ("code", code)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        "/settings/integrations/linkedin?paired=1"
    );

    let (status, _, html) = app
        .form(
            "/settings/integrations/linkedin/pair",
            &browser,
            &[("csrf", &browser.csrf), ("code", "PING-22222Z")],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        html.contains("id=\"pair-error\""),
        "the modal reopens with the error"
    );
}

#[tokio::test]
async fn the_settings_page_has_the_connect_modal_and_lists_paired_browsers() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.get("/api/v1/sync/status", Some(&token)).await;
    let (status, html) = app
        .page("/settings/integrations/linkedin", &browser.cookie)
        .await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "id=\"connect-button\"",
        "id=\"pairing-code\"",
        "id=\"pair-button\"",
        "id=\"paired-browsers\"",
        "Chrome on Linux",
        "Show a code for the extension",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    assert!(!html.contains(">never<"), "last seen is recorded");
}

#[tokio::test]
async fn an_empty_contacts_page_tells_the_user_what_to_do() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    let (_, html) = app.page("/contacts", &browser.cookie).await;
    assert!(html.contains("No conversations yet"));
    assert!(html.contains("Settings → Integrations"));
}

#[tokio::test]
async fn contacts_and_a_timeline_show_direction_and_last_message() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let (_, list) = app.page("/contacts", &browser.cookie).await;
    assert!(list.contains("Zoe Example"));
    assert!(list.contains("bring the deck"), "last message preview");
    let href = list
        .split("href=\"/contacts/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let (status, page) = app
        .page(&format!("/contacts/{href}"), &browser.cookie)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("class=\"message outbound"));
    assert!(page.contains("class=\"message inbound"));
}

#[tokio::test]
async fn search_finds_messages_by_word_prefix_for_their_owner_only() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let (_, html) = app.page("/search?q=tues", &browser.cookie).await;
    assert!(html.contains("are you around next Tuesday"));
    assert!(html.contains("Talk Tuesday"));
    assert!(!html.contains("bring the deck"));
    let (_, none) = app.page("/search?q=%22%29%28*", &browser.cookie).await;
    assert!(
        !none.contains("id=\"search-results\""),
        "odd input is harmless"
    );

    app.create_user("eve@example.com").await;
    let eve = app.login("eve@example.com").await;
    let (_, html) = app.page("/search?q=tuesday", &eve.cookie).await;
    assert!(html.contains("No message matches"));
}

#[tokio::test]
async fn a_search_with_more_matches_than_a_page_shows_the_newest_and_pages_to_the_older() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    let zoe = member(1);
    let t = start_time();
    let messages: Vec<Message> = (0..101)
        .map(|n| {
            let at = t - Duration::minutes(200 - n);
            message(
                "2-zoe",
                &format!("2-m{n}"),
                &zoe,
                &format!("invoice number {n}"),
                at,
            )
        })
        .collect();
    let batch = batch(vec![conversation("2-zoe", &[(&zoe, "Zoe")], t)], messages);
    app.post("/api/v1/sync/push", Some(&token), to_json(&batch))
        .await;

    let (_, html) = app.page("/search?q=invoice", &browser.cookie).await;
    assert_eq!(html.matches("<li class=\"hit").count(), 100);
    assert!(html.contains("invoice number 100<"), "the newest is shown");
    assert!(!html.contains("invoice number 0<"), "the oldest is not");

    let older = older_matches_link(&html).expect("an Older matches link");
    let (_, html) = app.page(&older, &browser.cookie).await;
    assert_eq!(html.matches("<li class=\"hit").count(), 1);
    assert!(
        html.contains("invoice number 0<"),
        "the oldest is on the next page"
    );
    assert!(
        older_matches_link(&html).is_none(),
        "and it is the last one"
    );

    let (_, html) = app.page("/search?q=invoice%20100", &browser.cookie).await;
    assert!(older_matches_link(&html).is_none());
    assert_eq!(html.matches("<li class=\"hit").count(), 1);
}

/// The href of a search page's "Older matches" link, as a browser would follow it.
fn older_matches_link(html: &str) -> Option<String> {
    let (_, rest) = html.split_once("id=\"search-older\" href=\"")?;
    let (href, _) = rest.split_once('"')?;
    // minijinja escapes `/` and `&` in attributes; a browser reads them back.
    Some(href.replace("&#x2f;", "/").replace("&amp;", "&"))
}

#[tokio::test]
async fn exports_are_vcard_4_csv_and_json() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let (status, vcf) = app.page("/export/contacts.vcf", &browser.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(vcf.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoe Example\r\n"));
    assert!(vcf.trim_end().ends_with("END:VCARD"));
    let (_, csv) = app.page("/export/contacts.csv", &browser.cookie).await;
    assert_eq!(
        csv.lines().next().unwrap(),
        "name,first_name,last_name,title,company,location,headline,linkedin_url,linkedin_urn,notes"
    );
    let (_, json) = app
        .page("/export/conversations.json", &browser.cookie)
        .await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json["conversations"][0]["messages"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_every_route_is_served() {
    let app = TestApp::new().await;
    let (status, document) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let all = routes();
    assert!(all.len() >= 15);
    for (doc, _) in all {
        let path = format!("/api/v1{}", doc.path);
        assert!(
            document["paths"][&path][doc.method].is_object(),
            "{} {path}",
            doc.method
        );
        let concrete = path.replace("{id}", "1");
        let request = Request::builder()
            .method(doc.method.to_uppercase().as_str())
            .uri(&concrete)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let (status, _, _) = app.send(request).await;
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {concrete}",
            doc.method
        );
        if doc.path != "/conversations/sync/{id}" {
            assert_ne!(status, StatusCode::NOT_FOUND, "{} {concrete}", doc.method);
        }
    }
}

#[tokio::test]
async fn extension_origins_get_cors_headers_and_others_do_not() {
    let app = TestApp::new().await;
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/api/v1/sync/push")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .body(Body::empty())
            .unwrap()
    };
    let (_, headers, _) = app
        .send(preflight("chrome-extension://abcdefghijklmnop"))
        .await;
    assert_eq!(
        headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "chrome-extension://abcdefghijklmnop"
    );
    let (_, headers, _) = app.send(preflight("https://evil.example")).await;
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}
