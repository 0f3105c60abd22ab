//! Attachment bytes: named in push answers, uploaded by the extension, skipped with a reason,
//! stored once by hash, shown in the timeline, served to their owner only, exported in a ZIP.

use std::io::Read as _;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use bytes::Bytes;
use chrono::Duration;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use ping_backend::attachments::AttachmentObjects;
use ping_backend::ids::UserId;
use ping_backend::ingest::prepare_batch;
use ping_backend::secrets::sha256_hex;
use ping_backend::store::sql::SqlStore;
use ping_backend::store::*;
use ping_core::ids::MessageUrn;
use ping_core::model::{Attachment, AttachmentKind};
use ping_protocol::{AttachmentDownloads, AttachmentSkip, PushBatch, SkipReason};
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::helpers::{TestApp, start_time};
use crate::linkedin_api::create_key;
use crate::openapi::Document;

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";

fn attachment(kind: AttachmentKind, name: &str, url: Option<&str>) -> Attachment {
    Attachment {
        kind,
        name: Some(name.to_owned()),
        media_type: None,
        byte_size: None,
        url: url.map(str::to_owned),
    }
}

/// One conversation with Zoe: an older message with a picture, a shared post and a file
/// without URL; a newer one with a voice message and a PDF.
fn media_batch() -> PushBatch {
    let zoe = member(1);
    let t = start_time();
    let mut older = message("2-media", "2-old", &zoe, "Look", t - Duration::minutes(30));
    older.attachments = vec![
        attachment(
            AttachmentKind::Image,
            "photo.png",
            Some("https://media.licdn.com/dms/image/photo"),
        ),
        attachment(
            AttachmentKind::SharedPost,
            "urn:li:activity:1",
            Some("https://www.linkedin.com/feed/update/urn:li:activity:1"),
        ),
        attachment(AttachmentKind::File, "lost.doc", None),
    ];
    let mut newer = message(
        "2-media",
        "2-new",
        &zoe,
        "Listen",
        t - Duration::minutes(10),
    );
    newer.attachments = vec![
        attachment(
            AttachmentKind::Audio,
            "voice.m4a",
            Some("https://www.linkedin.com/dms/prv/voice"),
        ),
        Attachment {
            byte_size: Some(32_925_696),
            media_type: Some("application/pdf".into()),
            ..attachment(
                AttachmentKind::File,
                "Lebenslauf Müller.pdf",
                Some("https://www.linkedin.com/dms/prv/cv"),
            )
        },
    ];
    batch(
        vec![conversation("2-media", &[(&zoe, "Zoe")], t)],
        vec![older, newer],
    )
}

fn message_urn(id: &str) -> MessageUrn {
    MessageUrn::new(owner(), id).unwrap()
}

fn key(id: &str, index: u32) -> AttachmentKey {
    AttachmentKey {
        message: message_urn(id),
        index,
    }
}

/// `(message id, index)` of each request, in order.
fn named(requests: &Value) -> Vec<(String, u64)> {
    requests
        .as_array()
        .unwrap()
        .iter()
        .map(|request| {
            let urn = request["message"].as_str().unwrap();
            let id = urn.rsplit(',').next().unwrap().trim_end_matches(')');
            (id.to_owned(), request["index"].as_u64().unwrap())
        })
        .collect()
}

fn pairs(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    expected
        .iter()
        .map(|(id, index)| ((*id).to_owned(), *index))
        .collect()
}

fn upload_path(id: &str, index: u32) -> String {
    let urn = message_urn(id).to_string();
    format!(
        "/api/v1/messages/{}/attachments/{index}",
        utf8_percent_encode(&urn, NON_ALPHANUMERIC)
    )
}

fn bytes_path(prefix: &str, id: &str, index: u32) -> String {
    let urn = message_urn(id).to_string();
    format!(
        "{prefix}/{}/{index}",
        utf8_percent_encode(&urn, NON_ALPHANUMERIC)
    )
}

fn linkedin_path(id: &str, index: u32) -> String {
    upload_path(id, index).replace("/api/v1/messages/", "/api/v1/linkedin/messages/")
}

/// Every kind the extension downloads by default.
const ALL: &[AttachmentKind] = AttachmentDownloads::All.kinds();

async fn push(app: &TestApp, token: &str, batch: &PushBatch) -> Value {
    push_to(app, token, "/api/v1/sync/push", batch).await
}

async fn push_to(app: &TestApp, token: &str, path: &str, batch: &PushBatch) -> Value {
    let (status, answer) = app.post(path, Some(token), to_json(batch)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

async fn upload(
    app: &TestApp,
    token: &str,
    path: &str,
    content_type: &str,
    bytes: impl Into<Bytes>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(Method::PUT)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes.into()))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn fetch(app: &TestApp, path: &str, credential: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let request = Request::get(path);
    // A session cookie is `name=value`; a bearer credential has no `=`.
    let request = if !credential.contains('=') {
        request.header(header::AUTHORIZATION, format!("Bearer {credential}"))
    } else {
        request.header(header::COOKIE, credential)
    };
    app.send(request.body(Body::empty()).unwrap()).await
}

/// Pushes [`media_batch`] and uploads its picture (PNG) and its CV (PDF).
async fn push_and_upload_photo_and_cv(app: &TestApp, token: &str) {
    push(app, token, &media_batch()).await;
    for (index, id, media_type, bytes) in [
        (0, "2-old", "image/png", PNG),
        (1, "2-new", "application/pdf", PDF),
    ] {
        let (status, _) = upload(app, token, &upload_path(id, index), media_type, bytes).await;
        assert_eq!(status, StatusCode::OK);
    }
}

async fn conversation_page(app: &TestApp, user: UserId, cookie: &str) -> String {
    let media = conversation_urn("2-media").to_string();
    let conversations = app.store.all_conversations(user).await.unwrap();
    let conversation = conversations.iter().find(|c| c.urn == media).unwrap().id;
    let (status, html) = app
        .page(&format!("/conversations/{conversation}"), cookie)
        .await;
    assert_eq!(status, StatusCode::OK);
    html
}

#[tokio::test]
async fn a_push_answer_names_missing_attachments_newest_first_and_not_again_within_an_hour() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let answer = push(&app, &token, &media_batch()).await;
    assert_eq!(
        named(&answer["attachmentRequests"]),
        pairs(&[("2-new", 0), ("2-new", 1), ("2-old", 0)])
    );
    let cv = &answer["attachmentRequests"][1];
    assert_eq!(cv["kind"], "file");
    assert_eq!(cv["url"], "https://www.linkedin.com/dms/prv/cv");
    assert_eq!(cv["byteSize"], 32_925_696);
    assert_eq!(cv["mediaType"], "application/pdf");
    assert_eq!(cv["conversation"], conversation_urn("2-media").to_string());

    app.clock.advance(Duration::minutes(59));
    let soon = push(&app, &token, &small_batch()).await;
    assert_eq!(soon["attachmentRequests"], json!([]));
    app.clock.advance(Duration::minutes(2));
    let later = push(&app, &token, &small_batch()).await;
    assert_eq!(named(&later["attachmentRequests"]).len(), 3);
}

#[tokio::test]
async fn a_push_answer_names_only_the_kinds_the_extension_downloads_and_holds_back_none_it_leaves()
{
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let off = push_to(
        &app,
        &token,
        "/api/v1/sync/push?attachments=off",
        &media_batch(),
    )
    .await;
    assert_eq!(off["attachmentRequests"], json!([]));
    let pictures = push_to(
        &app,
        &token,
        "/api/v1/sync/push?attachments=imagesOnly",
        &small_batch(),
    )
    .await;
    assert_eq!(
        named(&pictures["attachmentRequests"]),
        pairs(&[("2-old", 0)])
    );
    // Everything now: the picture was named a moment ago, the others never were.
    let all = push(&app, &token, &small_batch()).await;
    assert_eq!(
        named(&all["attachmentRequests"]),
        pairs(&[("2-new", 0), ("2-new", 1)])
    );
}

#[tokio::test]
async fn messages_stored_before_attachments_had_bytes_are_named_too() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let user = app.user_id("ada@example.com").await;
    let (batch, _) = prepare_batch(serde_json::from_value(to_json(&media_batch())).unwrap());
    app.store
        .ingest_batch(user, &batch, start_time())
        .await
        .unwrap();
    // As a database migrated with these messages in it: nothing catalogued yet.
    sqlx::query("DELETE FROM message_attachments")
        .execute(app.store.pool())
        .await
        .unwrap();
    let answer = push(&app, &token, &small_batch()).await;
    assert_eq!(named(&answer["attachmentRequests"]).len(), 3);
}

#[tokio::test]
async fn an_upload_is_stored_once_by_hash_answered_and_never_asked_for_again() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    push(&app, &token, &media_batch()).await;
    let (status, stored) = upload(&app, &token, &upload_path("2-old", 0), "image/png", PNG).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(
        stored,
        json!({"sha256": sha256_hex(PNG), "byteSize": PNG.len(), "mediaType": "image/png"})
    );
    // The same bytes again, and for another attachment: one object.
    let (again, _) = upload(&app, &token, &upload_path("2-old", 0), "image/png", PNG).await;
    assert_eq!(again, StatusCode::OK);
    let (other, _) = upload(&app, &token, &upload_path("2-new", 1), "image/png", PNG).await;
    assert_eq!(other, StatusCode::OK);
    let user = app.user_id("ada@example.com").await;
    assert_eq!(
        app.store.storage_use(user).await.unwrap(),
        StorageUse {
            files: 1,
            bytes: PNG.len() as u64
        }
    );

    app.clock.advance(Duration::hours(2));
    let answer = push(&app, &token, &small_batch()).await;
    assert_eq!(named(&answer["attachmentRequests"]), pairs(&[("2-new", 0)]));
}

#[tokio::test]
async fn the_sniffed_type_is_kept_and_a_declared_kind_the_bytes_are_not_is_422() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    push(&app, &token, &media_batch()).await;
    let (status, stored) = upload(
        &app,
        &token,
        &upload_path("2-new", 1),
        "application/octet-stream",
        PDF,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored["mediaType"], "application/pdf");

    let (status, refused) = upload(&app, &token, &upload_path("2-old", 0), "image/png", PDF).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["status"], 422);
    // Refused for what the bytes are: never named again (each try costs a LinkedIn request).
    app.clock.advance(Duration::hours(2));
    let later = push(&app, &token, &small_batch()).await;
    assert_eq!(named(&later["attachmentRequests"]), pairs(&[("2-new", 0)]));
    let user = app.user_id("ada@example.com").await;
    let html = conversation_page(&app, user, &browser.cookie).await;
    assert!(html.contains("not kept: "), "{html}");
    let html = b"<html><script>alert(1)</script></html>".to_vec();
    let (status, _) = upload(
        &app,
        &token,
        &upload_path("2-new", 1),
        "application/pdf",
        html,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_attachment_that_is_not_the_users_or_not_downloadable_is_404() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let (_, bob_token) = app.paired_user("bob@example.com").await;
    push(&app, &token, &media_batch()).await;
    for path in [
        // A shared post, a file without URL, past the end, no such message, no URN at all.
        upload_path("2-old", 1),
        upload_path("2-old", 2),
        upload_path("2-old", 9),
        upload_path("2-nothing", 0),
        "/api/v1/messages/not-a-urn/attachments/0".to_owned(),
    ] {
        let (status, body) = upload(&app, &token, &path, "image/png", PNG).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["serviceErrorCode"], "NOT_FOUND", "{path}");
    }
    let (status, _) = upload(&app, &bob_token, &upload_path("2-old", 0), "image/png", PNG).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another user's message");
}

#[tokio::test]
async fn an_upload_over_the_cap_is_413_and_the_api_body_limit_does_not_apply() {
    let app = TestApp::with_settings(|settings| settings.attachment_max_bytes = 20 << 20).await;
    let (_, token) = app.paired_user("ada@example.com").await;
    push(&app, &token, &media_batch()).await;
    // Past the API's 16 MiB JSON limit, under the attachment cap.
    let big = vec![7u8; 17 << 20];
    let (status, stored) = upload(
        &app,
        &token,
        &upload_path("2-new", 1),
        "application/pdf",
        big,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(stored["byteSize"], 17 << 20);

    let over = vec![7u8; (20 << 20) + 1];
    let (status, body) = upload(
        &app,
        &token,
        &upload_path("2-new", 1),
        "application/pdf",
        over,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["status"], 413);
}

#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused_before_the_bytes_are_read() {
    let app = TestApp::with_settings(|settings| settings.attachment_max_bytes = 1024).await;
    let (_, token) = app.paired_user("ada@example.com").await;
    push(&app, &token, &media_batch()).await;
    let request = Request::put(upload_path("2-new", 1))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::CONTENT_LENGTH, "4096")
        .body(Body::from(vec![0u8; 4096]))
        .unwrap();
    let (status, _, _) = app.send(request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_skipped_attachment_is_never_named_again_and_its_reason_shows_in_the_timeline() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    push(&app, &token, &media_batch()).await;
    let skipped = json!({"skipped": [
        {"message": message_urn("2-new").to_string(), "index": 1,
         "reason": {"kind": "tooLarge", "byteSize": 32_925_696, "cap": 25 << 20}},
        {"message": message_urn("2-old").to_string(), "index": 0,
         "reason": {"kind": "unavailable", "status": 404}},
        // Unknown entries are ignored, not an error for the batch.
        {"message": message_urn("2-nothing").to_string(), "index": 0,
         "reason": {"kind": "unavailable", "status": 404}},
        {"message": message_urn("2-old").to_string(), "index": 7,
         "reason": {"kind": "unavailable", "status": 404}},
    ]});
    let (status, _) = app
        .post("/api/v1/attachments/skipped", Some(&token), skipped)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    app.clock.advance(Duration::hours(2));
    let answer = push(&app, &token, &small_batch()).await;
    assert_eq!(named(&answer["attachmentRequests"]), pairs(&[("2-new", 0)]));

    let user = app.user_id("ada@example.com").await;
    let html = conversation_page(&app, user, &browser.cookie).await;
    assert!(
        html.contains("not downloaded: 31.4 MB is over the 25 MB cap set in the extension"),
        "{html}"
    );
    assert!(html.contains("LinkedIn no longer serves this file"));
    assert!(html.contains("voice.m4a</span> <span class=\"muted small\">not downloaded yet"));
}

#[tokio::test]
async fn stored_bytes_show_in_the_timeline_and_are_served_to_their_owner_only() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    let (bob, _) = app.paired_user("bob@example.com").await;
    push_and_upload_photo_and_cv(&app, &token).await;

    let user = app.user_id("ada@example.com").await;
    let html = conversation_page(&app, user, &browser.cookie).await;
    let image = bytes_path("/attachments", "2-old", 0);
    // The page escapes `/` in attributes.
    let in_page = |path: &str| path.replace('/', "&#x2f;");
    assert!(
        html.contains(&format!("<img class=\"thumb\" src=\"{}\"", in_page(&image))),
        "{html}"
    );
    let file = bytes_path("/attachments", "2-new", 1);
    assert!(html.contains(&format!(
        "<a href=\"{}\" download>Lebenslauf Müller.pdf</a>",
        in_page(&file)
    )));

    let (status, headers, body) = fetch(&app, &image, &browser.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, PNG);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(headers[header::CONTENT_DISPOSITION], "inline");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );

    let (status, headers, body) = fetch(&app, &file, &browser.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, PDF);
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"Lebenslauf M_ller.pdf\"; \
         filename*=UTF-8''Lebenslauf%20M%C3%BCller.pdf"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let (status, _, body) = fetch(&app, &image, &bob.cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_ne!(body, PNG);
    let (status, _, _) = fetch(
        &app,
        &bytes_path("/attachments", "2-new", 0),
        &browser.cookie,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not downloaded yet");
}

#[tokio::test]
async fn an_api_key_fetches_its_users_bytes_and_another_users_key_gets_linkedins_404() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    let (bob, _) = app.paired_user("bob@example.com").await;
    push(&app, &token, &media_batch()).await;
    upload(&app, &token, &upload_path("2-old", 0), "image/png", PNG).await;
    let key = create_key(&app, &browser, "n8n").await;
    let bob_key = create_key(&app, &bob, "zapier").await;
    let path = linkedin_path("2-old", 0);
    let (status, headers, body) = fetch(&app, &path, &key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, PNG);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");

    let (status, _, body) = fetch(&app, &path, &bob_key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let error: Value = serde_json::from_slice(&body).unwrap();
    insta::assert_json_snapshot!("attachment_unknown", error);
    let (status, _, _) = fetch(&app, &linkedin_path("2-old", 1), &key).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not downloaded");
}

#[tokio::test]
async fn the_zip_export_holds_the_conversations_and_each_file_byte_identical() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    push_and_upload_photo_and_cv(&app, &token).await;

    let (status, headers, body) = fetch(&app, "/export/conversations.zip", &browser.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let mut json = String::new();
    archive
        .by_name("conversations.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    assert!(json.contains("Listen"));
    for (bytes, name) in [(PNG, "photo.png"), (PDF, "Lebenslauf Müller.pdf")] {
        let mut stored = Vec::new();
        archive
            .by_name(&format!("attachments/{}-{name}", sha256_hex(bytes)))
            .unwrap()
            .read_to_end(&mut stored)
            .unwrap();
        assert_eq!(stored, bytes, "{name}");
    }
    let mut manifest = String::new();
    archive
        .by_name("attachments.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(manifest[0]["message"], message_urn("2-old").to_string());
    assert_eq!(manifest[0]["index"], 0);
    assert_eq!(
        manifest[0]["path"],
        format!("attachments/{}-photo.png", sha256_hex(PNG))
    );
    assert_eq!(manifest[1]["mediaType"], "application/pdf");
    assert_eq!(archive.len(), 4);
}

#[tokio::test]
async fn settings_show_the_storage_the_users_files_take() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    let (_, html) = app
        .page("/settings/integrations/linkedin", &browser.cookie)
        .await;
    assert!(html.contains("No attachment downloaded yet"));
    push(&app, &token, &media_batch()).await;
    upload(&app, &token, &upload_path("2-old", 0), "image/png", PNG).await;
    let (_, html) = app
        .page("/settings/integrations/linkedin", &browser.cookie)
        .await;
    assert!(
        html.contains(&format!(
            "1 file downloaded from your conversations, {} bytes in all ({} bytes)",
            PNG.len(),
            PNG.len()
        )),
        "{html}"
    );
}

#[tokio::test]
async fn bytes_are_kept_once_per_hash_in_local_files_and_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let local = AttachmentObjects::open(&dir.path().join("objects").display().to_string()).unwrap();
    for objects in [local, AttachmentObjects::in_memory()] {
        let hash = sha256_hex(PNG);
        objects.put(&hash, Bytes::from_static(PNG)).await.unwrap();
        objects.put(&hash, Bytes::from_static(PNG)).await.unwrap();
        assert_eq!(objects.get(&hash).await.unwrap(), PNG);
        assert!(objects.get(&sha256_hex(PDF)).await.is_err());
    }
    let on_disk = dir
        .path()
        .join("objects")
        .join(&sha256_hex(PNG)[..2])
        .join(sha256_hex(PNG));
    assert_eq!(std::fs::read(on_disk).unwrap(), PNG);
}

#[tokio::test]
async fn an_s3_store_needs_the_s3_feature_or_names_a_bucket() {
    let refused = AttachmentObjects::open("s3://").unwrap_err().to_string();
    assert!(refused.contains("s3"), "{refused}");
}

/// What every store must do with attachments.
async fn contract(store: &dyn Store) {
    let now = start_time();
    let ada = store
        .create_user("ada@example.com", "h", now)
        .await
        .unwrap();
    let bob = store
        .create_user("bob@example.com", "h", now)
        .await
        .unwrap();
    let (batch, _) = prepare_batch(serde_json::from_value(to_json(&media_batch())).unwrap());
    store.ingest_batch(ada, &batch, now).await.unwrap();
    store.ingest_batch(bob, &batch, now).await.unwrap();

    let requests = store
        .take_attachment_requests(ada, ALL, 2, now - Duration::hours(1), now)
        .await
        .unwrap();
    let keys: Vec<_> = requests
        .iter()
        .map(|r| (r.message.clone(), r.index))
        .collect();
    assert_eq!(
        keys,
        vec![(message_urn("2-new"), 0), (message_urn("2-new"), 1)]
    );
    let rest = store
        .take_attachment_requests(ada, ALL, 20, now - Duration::hours(1), now)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1, "the two named are held back");
    assert_eq!(
        (rest[0].message.clone(), rest[0].index),
        (message_urn("2-old"), 0)
    );

    assert_eq!(
        store
            .attachment_target(ada, &key("2-old", 0))
            .await
            .unwrap(),
        Some(AttachmentTarget {
            kind: AttachmentKind::Image,
            name: Some("photo.png".into())
        })
    );
    assert_eq!(
        store
            .attachment_target(ada, &key("2-old", 1))
            .await
            .unwrap(),
        None
    );

    let file = StoredFile {
        sha256: "ab".repeat(32),
        media_type: "image/png".into(),
        byte_size: 10,
        name: Some("photo.png".into()),
    };
    assert!(
        store
            .record_stored_attachment(ada, &key("2-old", 0), &file, now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .record_stored_attachment(ada, &key("2-old", 2), &file, now)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .stored_attachment(ada, &key("2-old", 0))
            .await
            .unwrap(),
        Some(file.clone())
    );
    assert_eq!(
        store
            .stored_attachment(bob, &key("2-old", 0))
            .await
            .unwrap(),
        None
    );

    let skip = |id: &str, index| AttachmentSkip {
        message: message_urn(id),
        index,
        reason: SkipReason::Unavailable { status: 404 },
    };
    let recorded = store
        .record_skipped_attachments(
            ada,
            &[skip("2-new", 1), skip("2-old", 0), skip("2-gone", 0)],
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        recorded, 1,
        "stored bytes stay, unknown entries are ignored"
    );

    let later = now + Duration::hours(2);
    let again = store
        .take_attachment_requests(ada, ALL, 20, later - Duration::hours(1), later)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].message.clone(), again[0].index),
        (message_urn("2-new"), 0)
    );

    let conversation = store.all_conversations(ada).await.unwrap()[0].id;
    let views = store
        .conversation_attachments(ada, conversation)
        .await
        .unwrap();
    let states: Vec<_> = views
        .iter()
        .map(|view| (view.message_urn.clone(), view.index, view.state.clone()))
        .collect();
    assert_eq!(
        states,
        vec![
            (
                message_urn("2-old").to_string(),
                0,
                AttachmentState::Stored(file.clone())
            ),
            (
                message_urn("2-new").to_string(),
                0,
                AttachmentState::Pending
            ),
            (
                message_urn("2-new").to_string(),
                1,
                AttachmentState::Skipped {
                    reason: SkipReason::Unavailable { status: 404 }
                }
            ),
        ]
    );
    let bobs = store.all_conversations(bob).await.unwrap()[0].id;
    assert!(
        store
            .conversation_attachments(ada, bobs)
            .await
            .unwrap()
            .is_empty()
    );

    // The same bytes for a second attachment are one file.
    store
        .record_stored_attachment(ada, &key("2-new", 0), &file, now)
        .await
        .unwrap();
    let stored: Vec<_> = store
        .stored_attachments(ada)
        .await
        .unwrap()
        .into_iter()
        .map(|stored| (stored.message_urn, stored.index, stored.file))
        .collect();
    assert_eq!(
        stored,
        vec![
            (message_urn("2-old").to_string(), 0, file.clone()),
            (message_urn("2-new").to_string(), 0, file.clone()),
        ]
    );
    assert_eq!(
        store.storage_use(ada).await.unwrap(),
        StorageUse {
            files: 1,
            bytes: 10
        }
    );
    assert_eq!(store.storage_use(bob).await.unwrap(), StorageUse::default());
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_attachment_contract() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("attachments.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    contract(&store).await;
    store.close().await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_store_keeps_the_attachment_contract() {
    use crate::store_contract::postgres::{drop_schema, scratch_store};
    let Some((store, admin, schema)) = scratch_store().await else {
        return;
    };
    contract(&store).await;
    drop_schema(store, admin, schema).await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_attachment_routes_and_their_bytes() {
    let app = TestApp::new().await;
    let Document(document) = Document::served(&app).await;
    let paths = &document["paths"];
    let upload = &paths["/api/v1/messages/{messageUrn}/attachments/{index}"]["put"];
    assert!(
        upload["requestBody"]["content"]["*/*"].is_object(),
        "{upload}"
    );
    assert_eq!(
        upload["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/AttachmentStored"
    );
    let skipped = &paths["/api/v1/attachments/skipped"]["post"];
    assert_eq!(
        skipped["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/AttachmentsSkipped"
    );
    assert!(skipped["responses"]["204"].is_object());
    let download = &paths["/api/v1/linkedin/messages/{messageUrn}/attachments/{index}"]["get"];
    assert!(download["responses"]["200"]["content"]["*/*"].is_object());
    assert_eq!(download["security"], json!([{"apiKey": []}]));
}

#[tokio::test]
async fn a_urn_encoded_as_the_browsers_encode_uri_component_does_names_its_message() {
    // encodeURIComponent leaves these unencoded; LinkedIn ids may hold `/`, `+` and `=`.
    const URI_COMPONENT: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'!')
        .remove(b'~')
        .remove(b'*')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')');
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let zoe = member(1);
    let mut odd = message("2-media", "2-MTcw/Nz+k==", &zoe, "Odd", start_time());
    odd.attachments = vec![attachment(
        AttachmentKind::Image,
        "odd.png",
        Some("https://media.licdn.com/dms/image/odd"),
    )];
    push(
        &app,
        &token,
        &batch(
            vec![conversation("2-media", &[(&zoe, "Zoe")], start_time())],
            vec![odd],
        ),
    )
    .await;
    let urn = message_urn("2-MTcw/Nz+k==").to_string();
    let path = format!(
        "/api/v1/messages/{}/attachments/0",
        utf8_percent_encode(&urn, URI_COMPONENT)
    );
    assert!(path.contains("%2F") && path.contains('('), "{path}");
    let (status, stored) = upload(&app, &token, &path, "image/png", PNG).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
}
