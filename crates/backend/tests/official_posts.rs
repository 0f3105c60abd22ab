//! Organisation posts against the fake: the administered organisations listed, an image
//! uploaded first and the post referencing its URN, a 429 kept as throttled with a backoff.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use serde_json::json;

use crate::official_helpers::*;

const PAGE: &str = "/settings/integrations/linkedin/app/posts";
const SCOPES: [&str; 3] = ["openid", "r_organization_admin", "w_organization_social"];
const ORG: &str = "urn:li:organization:2414183";
const BOUNDARY: &str = "ping-test-boundary";

/// Submits the compose form as a browser does (multipart), with an image when given.
pub async fn compose(
    official: &Official,
    text: &str,
    image: Option<&[u8]>,
) -> (StatusCode, String) {
    let mut body = Vec::new();
    let mut field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    field("csrf", &official.browser.csrf);
    field("organization", ORG);
    field("commentary", text);
    field("visibility", "PUBLIC");
    field("alt_text", "Speaker photo");
    if let Some(image) = image {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; \
                 filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(image);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::post(PAGE)
        .header(header::COOKIE, &official.browser.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, headers, body) = official.app.send(request).await;
    let location = headers
        .get(header::LOCATION)
        .map(|value| value.to_str().unwrap().to_owned());
    (
        status,
        location.unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned()),
    )
}

#[tokio::test]
async fn a_post_with_an_image_is_uploaded_first_then_referenced_by_its_urn() {
    let official = official_app().await;
    official.connect(&SCOPES).await;
    let (status, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("urn:li:organization:2414183")
            && page.contains("urn:li:organization:5550001")
    );

    let (status, location) =
        compose(&official, "Q3 webinar is open", Some(b"fake image bytes")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, format!("{PAGE}?sent=published"));

    let fake = official.fake_state().await;
    let images = fake["images"].as_object().unwrap();
    assert_eq!(images.len(), 1, "one upload");
    let (image, bytes) = images.iter().next().unwrap();
    assert_eq!(bytes, 16, "the fake received the bytes");
    let post = &fake["posts"][0];
    assert_eq!(post["author"], ORG);
    assert_eq!(post["commentary"], "Q3 webinar is open");
    assert_eq!(
        post["content"]["media"]["id"],
        json!(image),
        "the post names the upload"
    );
    assert_eq!(post["content"]["media"]["altText"], "Speaker photo");

    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert!(page.contains("data-state=\"published\""));
    assert!(
        page.contains(post["id"].as_str().unwrap()),
        "the post's URN is kept"
    );
}

#[tokio::test]
async fn a_throttled_post_is_kept_and_nothing_is_sent_during_its_backoff() {
    let mut official = official_app().await;
    official.connect(&SCOPES).await;
    official.control("faults", json!({"status": 429})).await;
    let (_, location) = compose(&official, "first", None).await;
    assert_eq!(location, format!("{PAGE}?sent=throttled"));

    let (status, page) = compose(&official, "second", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("LinkedIn throttled the app: try again after"),
        "{page}"
    );
    assert!(
        official.fake_state().await["posts"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    official.advance(Duration::minutes(16)).await;
    let (_, location) = compose(&official, "second", None).await;
    assert_eq!(location, format!("{PAGE}?sent=published"));
    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert!(page.contains("data-state=\"throttled\"") && page.contains("data-state=\"published\""));
}

#[tokio::test]
async fn without_the_posting_scope_linkedins_403_is_kept_as_failed() {
    let official = official_app().await;
    official.connect(&["openid", "r_organization_admin"]).await;
    let (_, location) = compose(&official, "hello", None).await;
    assert_eq!(location, format!("{PAGE}?sent=failed"));
    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert!(
        page.contains("data-state=\"failed\"") && page.contains("403"),
        "{page}"
    );
}
