//! Cookie auth, the CSRF rules and session revocation.

use crate::common::{CONVERSATIONS_ID, get, get_with, graphql, mailbox, start};

#[tokio::test]
async fn the_csrf_token_must_be_jsessionid_without_its_quotes() {
    let server = start(3, 0..=2).await;
    let path = graphql(
        CONVERSATIONS_ID,
        &format!("(mailboxUrn:{})", mailbox(&server)),
    );
    let bare = server.jsessionid().trim_matches('"').to_owned();
    let ok = get_with(&server, &path, Some(server.li_at()), Some(&bare)).await;
    assert_eq!(ok.status(), 200);

    for wrong in [Some(server.jsessionid()), Some("ajax:0"), None] {
        let refused = get_with(&server, &path, Some(server.li_at()), wrong).await;
        assert_eq!(refused.status(), 403, "csrf-token {wrong:?}");
        assert!(
            refused.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        assert_eq!(refused.text().await.unwrap(), "CSRF check failed.");
    }
}

#[tokio::test]
async fn a_missing_or_unknown_li_at_is_answered_401() {
    let server = start(3, 0..=2).await;
    let bare = server.jsessionid().trim_matches('"').to_owned();
    for li_at in [None, Some("AQEDsomeoneElse")] {
        let response = get_with(&server, "/voyager/api/me", li_at, Some(&bare)).await;
        assert_eq!(response.status(), 401);
        assert_eq!(response.text().await.unwrap(), r#"{"status":401}"#);
    }
}

#[tokio::test]
async fn a_revoked_session_redirects_pages_and_refuses_api_calls_until_restored() {
    let server = start(3, 0..=2).await;
    server.revoke_session(true);
    assert_eq!(get(&server, "/voyager/api/me").await.status(), 401);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{}/feed/", server.base_url()))
        .header("cookie", format!("li_at={}", server.li_at()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 302);
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/uas/login")
    );
    assert!(
        page.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("li_at=\"delete me\"")
    );
    assert_eq!(
        get(&server, "/voyager/api/me").await.status(),
        401,
        "revocation persists"
    );

    server.revoke_session(false);
    assert_eq!(get(&server, "/voyager/api/me").await.status(), 200);
}
