//! Message attachments: signed expiring `/dms/prv/…` URLs, the bytes behind them for the
//! session's cookies only, and the control route that makes a conversation of chosen files.

use std::io::Read as _;

use fake_linkedin::{FakeServer, Limits};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::*;

/// Four files as the browser suite asks for them.
fn four_files() -> Value {
    json!({"files": [
        {"kind": "image"},
        {"kind": "file", "name": "deck.pdf", "mediaType": "application/pdf", "byteSize": 48213},
        {"kind": "audio"},
        {"kind": "file", "name": "big.zip", "mediaType": "application/zip", "byteSize": 300_000},
    ]})
}

/// A server whose URLs point at itself, with the four files' conversation added.
async fn with_four_files() -> (FakeServer, Value) {
    let server = start(6, 1..=3).await;
    server.tune(|t| t.media_direct = true);
    let added = control(&server, Method::POST, "attachments", Some(four_files())).await;
    (server, added)
}

/// The newest messages of a conversation, rendered now (newest first).
async fn messages(server: &FakeServer, conversation: &str) -> Vec<Value> {
    let vars = format!("(conversationUrn:{})", enc(conversation));
    let answer = get_json(server, &graphql(MESSAGES_ID, &vars)).await;
    collection(&answer, "messengerMessagesBySyncToken")["elements"]
        .as_array()
        .unwrap()
        .clone()
}

/// The download URL of a message's attachment, whichever render item carries it.
fn attachment_url(message: &Value) -> String {
    let item = &message["renderContent"][0];
    if let Some(url) = item["file"]["url"]
        .as_str()
        .or(item["audio"]["url"].as_str())
    {
        return url.to_owned();
    }
    let image = &item["vectorImage"];
    let segment = image["artifacts"][0]["fileIdentifyingUrlPathSegment"].as_str();
    format!("{}{}", image["rootUrl"].as_str().unwrap(), segment.unwrap())
}

/// The URL of the attachment of the message with URN `message`, rendered now.
async fn url_of(server: &FakeServer, added: &Value, message: &Value) -> String {
    let rendered = messages(server, added["conversation"].as_str().unwrap()).await;
    let found = rendered
        .iter()
        .find(|m| m["entityUrn"] == *message)
        .unwrap();
    attachment_url(found)
}

/// A GET sending the session's `li_at` only, as a browser's `fetch` with credentials does.
async fn download(server: &FakeServer, url: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(url)
        .header("cookie", format!("li_at={}", server.li_at()))
        .send()
        .await
        .unwrap()
}

async fn original(server: &FakeServer, bytes_path: &Value) -> Vec<u8> {
    let url = format!("{}{}", server.base_url(), bytes_path.as_str().unwrap());
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200);
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_rendered_attachment_url_serves_the_exact_bytes_and_type_with_the_session_cookie() {
    let (server, added) = with_four_files().await;
    let listed = added["attachments"].as_array().unwrap();
    let kinds: Vec<&str> = listed.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["image", "file", "audio", "file"]);
    for attachment in listed {
        let url = url_of(&server, &added, &attachment["message"]).await;
        assert!(
            url.starts_with(&format!("{}/dms/prv/", server.base_url())),
            "{url}"
        );
        assert!(url.contains("&ne=1&v=beta&t="), "{url}");
        let response = download(&server, &url).await;
        assert_eq!(response.status(), 200, "{url}");
        assert_eq!(
            response.headers()["content-type"],
            attachment["mediaType"].as_str().unwrap()
        );
        assert_eq!(
            response.headers()["content-length"],
            attachment["byteSize"].to_string().as_str()
        );
        let served = response.bytes().await.unwrap();
        assert_eq!(
            served.len() as u64,
            attachment["byteSize"].as_u64().unwrap()
        );
        assert_eq!(
            served.to_vec(),
            original(&server, &attachment["bytesPath"]).await
        );
    }
}

#[tokio::test]
async fn the_pdf_is_byte_exact_at_its_declared_size_and_looks_like_a_pdf() {
    let (server, added) = with_four_files().await;
    let pdf = &added["attachments"][1];
    assert_eq!(
        (pdf["mediaType"].as_str(), pdf["byteSize"].as_u64()),
        (Some("application/pdf"), Some(48213))
    );
    let url = url_of(&server, &added, &pdf["message"]).await;
    let served = download(&server, &url).await.bytes().await.unwrap();
    assert_eq!(served.len(), 48213);
    assert!(served.starts_with(b"%PDF-1.4\n"));
    assert!(served.ends_with(b"%%EOF\n"));
    assert_eq!(served.to_vec(), original(&server, &pdf["bytesPath"]).await);
    let zip = original(&server, &added["attachments"][3]["bytesPath"]).await;
    assert!(zip.starts_with(b"PK\x03\x04") && zip.len() == 300_000);
}

#[tokio::test]
async fn the_image_is_a_png_of_its_artifact_size_and_the_voice_message_a_wav_of_its_duration() {
    let (server, added) = with_four_files().await;
    let rendered = messages(&server, added["conversation"].as_str().unwrap()).await;
    let by_urn = |urn: &Value| rendered.iter().find(|m| m["entityUrn"] == *urn).unwrap();
    let image_message = by_urn(&added["attachments"][0]["message"]);
    let artifact = &image_message["renderContent"][0]["vectorImage"]["artifacts"][0];
    let png = original(&server, &added["attachments"][0]["bytesPath"]).await;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let dimension = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!(
        (u64::from(dimension(16)), u64::from(dimension(20))),
        (
            artifact["width"].as_u64().unwrap(),
            artifact["height"].as_u64().unwrap()
        )
    );
    let audio = &by_urn(&added["attachments"][2]["message"])["renderContent"][0]["audio"];
    assert_eq!(audio["duration"], 1000);
    let wav = original(&server, &added["attachments"][2]["bytesPath"]).await;
    assert!(wav.starts_with(b"RIFF") && &wav[8..12] == b"WAVE");
    let byte_rate = u32::from_le_bytes(wav[28..32].try_into().unwrap());
    assert_eq!((wav.len() - 44) as u32, byte_rate, "one second of samples");
}

#[tokio::test]
async fn without_the_session_cookie_or_with_a_revoked_session_a_download_gets_401() {
    let (server, added) = with_four_files().await;
    let url = url_of(&server, &added, &added["attachments"][1]["message"]).await;
    let anonymous = reqwest::get(&url).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = reqwest::Client::new()
        .get(&url)
        .header("cookie", "li_at=someone-else")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    control(
        &server,
        Method::POST,
        "session",
        Some(json!({"revoked": true})),
    )
    .await;
    assert_eq!(download(&server, &url).await.status(), 401);
}

#[tokio::test]
async fn a_url_rendered_with_its_ttl_already_over_gets_403_and_a_new_render_works_again() {
    let (server, added) = with_four_files().await;
    let pdf_message = &added["attachments"][1]["message"];
    control(
        &server,
        Method::POST,
        "tuning",
        Some(json!({"attachmentTtlSecs": -1})),
    )
    .await;
    let expired = url_of(&server, &added, pdf_message).await;
    let refused = download(&server, &expired).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(refused.text().await.unwrap(), "deny-expired-url");

    control(
        &server,
        Method::POST,
        "tuning",
        Some(json!({"attachmentTtlSecs": 3600})),
    )
    .await;
    let fresh = url_of(&server, &added, pdf_message).await;
    assert_ne!(fresh, expired, "signed afresh");
    assert_eq!(download(&server, &fresh).await.status(), 200);
    assert_eq!(download(&server, &expired).await.status(), 403);
}

#[tokio::test]
async fn a_tampered_signature_or_expiry_gets_403_and_an_unknown_asset_404() {
    let (server, added) = with_four_files().await;
    let url = url_of(&server, &added, &added["attachments"][1]["message"]).await;
    let tampered_signature = url.replace("&t=", "&t=x");
    assert_eq!(download(&server, &tampered_signature).await.status(), 403);
    let expires: i64 = url
        .split("e=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let later = url.replace(&format!("e={expires}"), &format!("e={}", expires + 3600));
    assert_eq!(download(&server, &later).await.status(), 403);
    let asset = added["attachments"][1]["bytesPath"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let unknown = url.replace(asset, "D4D06AQ0x0x00000000");
    assert_eq!(download(&server, &unknown).await.status(), 404);
    let bytes = reqwest::get(format!(
        "{}/__fake/attachment-bytes/D4D06AQnothing",
        server.base_url()
    ))
    .await
    .unwrap();
    assert_eq!(bytes.status(), 404);
}

#[tokio::test]
async fn the_control_routes_conversation_is_listed_first_with_its_attachments() {
    let (server, added) = with_four_files().await;
    let conversation = added["conversation"].as_str().unwrap();
    let vars = format!("(mailboxUrn:{})", mailbox(&server));
    let answer = get_json(&server, &graphql(CONVERSATIONS_ID, &vars)).await;
    let listed = urns(collection(&answer, "messengerConversationsBySyncToken"));
    assert_eq!(listed[0], conversation);
    let snapshot = server.snapshot();
    assert_eq!(snapshot.conversations[0].urn.to_string(), conversation);
    assert_eq!(snapshot.conversations.len(), 7);

    let rendered = messages(&server, conversation).await;
    let keys: Vec<&str> = rendered
        .iter()
        .rev()
        .map(|m| {
            let item = m["renderContent"][0].as_object().unwrap();
            let key = item.iter().find(|(k, v)| *k != "_type" && !v.is_null());
            key.unwrap().0.as_str()
        })
        .collect();
    assert_eq!(keys, ["vectorImage", "file", "audio", "file"]);
    let message_urns: Vec<&Value> = rendered.iter().rev().map(|m| &m["entityUrn"]).collect();
    let answered: Vec<&Value> = added["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["message"])
        .collect();
    assert_eq!(message_urns, answered);
    assert!(
        rendered
            .iter()
            .all(|m| m["messageBodyRenderFormat"] == "DEFAULT")
    );

    let export = reqwest::get(format!("{}/__fake/export.zip", server.base_url()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(export.to_vec())).unwrap();
    let mut csv = String::new();
    archive
        .by_name("messages.csv")
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    let thread = conversation
        .rsplit(',')
        .next()
        .unwrap()
        .trim_end_matches(')');
    let rows: Vec<&str> = csv.lines().filter(|l| l.starts_with(thread)).collect();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.contains("/dms/prv/")), "{rows:?}");
}

#[tokio::test]
async fn a_file_over_the_limit_or_a_pdf_too_small_to_be_one_is_refused() {
    let server = start(2, 1..=1).await;
    for file in [
        json!({"kind": "file", "name": "a.pdf", "mediaType": "application/pdf", "byteSize": 10}),
        json!({"kind": "file", "name": "huge.bin", "mediaType": "application/octet-stream", "byteSize": 1u64 << 40}),
        json!({"kind": "video"}),
    ] {
        let response = reqwest::Client::new()
            .post(format!("{}/__fake/attachments", server.base_url()))
            .json(&json!({"files": [file]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{file}");
    }
    assert_eq!(server.snapshot().conversations.len(), 2);
}

#[tokio::test]
async fn downloads_are_logged_with_their_cookies_and_counted_by_the_limiter() {
    let (server, added) = with_four_files().await;
    let url = url_of(&server, &added, &added["attachments"][0]["message"]).await;
    server.set_limiter(Some(Limits::default()));
    server.clear_requests();
    assert_eq!(download(&server, &url).await.status(), 200);
    assert_eq!(server.limiter().calls, 1);
    let log = server.requests();
    assert_eq!(log.len(), 1);
    assert!(log[0].path.starts_with("/dms/prv/image/v2/"));
    assert_eq!(
        log[0].header("cookie"),
        Some(format!("li_at={}", server.li_at()).as_str())
    );
    assert_eq!(log[0].header("csrf-token"), None);
}

#[tokio::test]
async fn linkedin_urls_are_reached_through_the_host_header_and_generated_messages_have_files_and_voice()
 {
    let server = start(120, 10..=30).await;
    let mut found = Vec::new();
    for conversation in server.snapshot().conversations.iter().take(60) {
        for message in messages(&server, &conversation.urn.to_string()).await {
            if message["renderContent"][0]["hostUrnData"].is_null()
                && let Some(item) = message["renderContent"][0].as_object()
            {
                let key = item.iter().find(|(k, v)| *k != "_type" && !v.is_null());
                found.push((key.unwrap().0.clone(), attachment_url(&message)));
            }
        }
    }
    for kind in ["file", "vectorImage", "audio"] {
        let (_, url) = found.iter().find(|(k, _)| k == kind).unwrap();
        let path = url.strip_prefix("https://www.linkedin.com").unwrap();
        let response = reqwest::Client::new()
            .get(format!("{}{path}", server.base_url()))
            .header("host", "www.linkedin.com")
            .header("cookie", format!("li_at={}", server.li_at()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{kind} {url}");
        assert!(!response.bytes().await.unwrap().is_empty());
    }
}
