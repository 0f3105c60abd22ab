//! Signed, expiring picture URLs and the images behind them.

use crate::common::start;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn a_fresh_url_serves_a_png_and_an_expired_one_is_denied() {
    let server = start(6, 0..=1).await;
    server.tune(|t| t.media_direct = true);
    let member = server
        .snapshot()
        .members
        .into_iter()
        .find(|m| m.has_picture && !m.picture_browser_only)
        .unwrap();
    let fresh = server
        .picture_url(&member.public_identifier, 200, now() + 3600)
        .unwrap();
    assert!(fresh.starts_with(&format!("{}/media/dms/image/v2/", server.base_url())));
    assert!(fresh.contains("/profile-displayphoto-shrink_200_200/"));
    let response = reqwest::get(&fresh).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert!(response.bytes().await.unwrap().starts_with(b"\x89PNG"));

    let expired = server
        .picture_url(&member.public_identifier, 200, now() - 1)
        .unwrap();
    let denied = reqwest::get(&expired).await.unwrap();
    assert_eq!(denied.status(), 403);
    assert_eq!(denied.text().await.unwrap(), "deny-expired-url");

    let forged = fresh.replace("&t=", "&t=x");
    assert_eq!(reqwest::get(&forged).await.unwrap().status(), 403);
}

#[tokio::test]
async fn some_pictures_are_refused_to_servers_but_served_to_browsers() {
    let server = start(12, 0..=1).await;
    server.tune(|t| t.media_direct = true);
    let member = server
        .snapshot()
        .members
        .into_iter()
        .find(|m| m.picture_browser_only)
        .unwrap();
    let url = server
        .picture_url(&member.public_identifier, 100, now() + 3600)
        .unwrap();
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(&url)
            .header("user-agent", "ping-backend/0.1")
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let browser = client
        .get(&url)
        .header(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0",
        )
        .header("sec-fetch-mode", "cors")
        .send()
        .await
        .unwrap();
    assert_eq!(browser.status(), 200);
}

#[tokio::test]
async fn voyager_pictures_point_at_media_licdn_com_and_the_host_header_reaches_them() {
    let server = start(4, 0..=1).await;
    let member = server
        .snapshot()
        .members
        .into_iter()
        .find(|m| m.has_picture && !m.picture_browser_only)
        .unwrap();
    let url = server
        .picture_url(&member.public_identifier, 100, now() + 60)
        .unwrap();
    let path = url.strip_prefix("https://media.licdn.com").unwrap();
    let response = reqwest::Client::new()
        .get(format!("{}{path}", server.base_url()))
        .header("host", "media.licdn.com")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
