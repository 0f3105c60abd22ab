//! The OpenAPI document's schemas are real: bodies the API really sends and takes validate
//! against them, bodies serde refuses are refused by them, and every `$ref` resolves.
//! (That every route is listed and served is checked in `web.rs`.)

use axum::http::StatusCode;
use chrono::Duration;
use jsonschema::{Draft, Validator};
use ping_core::ids::{CompanyUrn, ConversationUrn, MessageUrn, ProfileUrn, PublicIdentifier};
use ping_protocol::PushBatch;
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::helpers::{TestApp, start_time};

/// The document as served, with validators for its component schemas.
pub struct Document(pub Value);

impl Document {
    pub async fn served(app: &TestApp) -> Self {
        let (status, document) = app.get("/api/v1/openapi.json", None).await;
        assert_eq!(status, StatusCode::OK);
        Self(document)
    }

    /// A validator for `components.schemas.<name>`, inside a root that carries the document's
    /// components so the schema's `$ref`s resolve as they do in the document.
    fn validator(&self, name: &str) -> Validator {
        let components = &self.0["components"];
        assert!(
            components["schemas"][name].is_object(),
            "no schema named {name}"
        );
        let root = json!({
            "$ref": format!("#/components/schemas/{name}"),
            "components": components,
        });
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap()
    }

    fn accepts(&self, name: &str, body: &Value) -> bool {
        self.validator(name).is_valid(body)
    }

    pub fn assert_valid(&self, name: &str, body: &Value) {
        let validator = self.validator(name);
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}\n{body:#}");
    }

    fn assert_refused(&self, name: &str, body: &Value) {
        assert!(!self.accepts(name, body), "{name} accepted\n{body:#}");
    }
}

/// Every `"$ref"` string anywhere in `value`.
fn refs(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, value)| match (key.as_str(), value) {
                ("$ref", Value::String(target)) => vec![target.clone()],
                _ => refs(value),
            })
            .collect(),
        Value::Array(items) => items.iter().flat_map(refs).collect(),
        _ => vec![],
    }
}

#[tokio::test]
async fn every_ref_in_the_document_resolves_and_every_body_has_a_real_schema() {
    let app = TestApp::new().await;
    let Document(document) = Document::served(&app).await;
    let targets = refs(&document);
    assert!(targets.len() > 40, "{targets:?}");
    for target in targets {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{target} leaves the document"));
        assert!(document.pointer(pointer).is_some(), "{target} is dangling");
    }
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        // The placeholders this replaces were `{type: object, description}` and nothing else.
        let shaped = ["properties", "oneOf", "enum", "pattern", "$ref"]
            .iter()
            .any(|keyword| schema.get(*keyword).is_some());
        assert!(shaped, "{name} says nothing about its shape: {schema}");
    }
    for name in ["ProfileUrn", "ConversationUrn", "MessageUrn", "CompanyUrn"] {
        let schema = &schemas[name];
        assert_eq!(schema["type"], "string", "{name}");
        assert!(schema["pattern"].is_string(), "{name}");
        assert!(schema["description"].is_string(), "{name}");
    }
}

#[tokio::test]
async fn every_path_parameter_is_declared_with_its_type() {
    let app = TestApp::new().await;
    let Document(document) = Document::served(&app).await;
    let mut declared = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        let names: Vec<&str> = path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for (method, operation) in operations.as_object().unwrap() {
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for name in &names {
                let parameter = parameters
                    .iter()
                    .find(|p| p["name"] == *name && p["in"] == "path")
                    .unwrap_or_else(|| panic!("{method} {path} does not declare {{{name}}}"));
                assert_eq!(parameter["required"], true);
                declared += 1;
            }
        }
    }
    assert_eq!(
        declared, 7,
        "a token id, a sync request id, a LinkedIn account id, and a message URN with an \
         attachment index on both attachment routes"
    );
    let revoke = &document["paths"]["/api/v1/pairing/tokens/{id}"]["delete"];
    assert_eq!(revoke["parameters"][0]["schema"]["type"], "integer");
}

#[tokio::test]
async fn an_avatar_upload_without_bytes_a_url_or_an_image_type_is_refused_by_its_schema() {
    let app = TestApp::new().await;
    let document = Document::served(&app).await;
    let upload = |source: &str, content_type: &str, data: &str| {
        json!({"member": member(1).to_string(), "sourceUrl": source,
               "contentType": content_type, "dataBase64": data})
    };
    let url = "https://media.licdn.com/dms/image/a.jpg";
    document.assert_valid("AvatarUpload", &upload(url, "image/jpeg", "/9j/"));
    document.assert_refused("AvatarUpload", &upload("", "image/jpeg", "/9j/"));
    document.assert_refused("AvatarUpload", &upload(url, "text/html", "/9j/"));
    document.assert_refused("AvatarUpload", &upload(url, "image/jpeg", ""));
}

#[tokio::test]
async fn the_pairing_bodies_match_their_schemas() {
    let app = TestApp::new().await;
    let document = Document::served(&app).await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;

    let request = json!({"clientName": "Chrome on Linux"});
    document.assert_valid("PairingCodeRequest", &request);
    let (_, code) = app.post("/api/v1/pairing/codes", None, request).await;
    document.assert_valid("PairingCodeResponse", &code);

    let poll = json!({"code": code["code"], "pollSecret": code["pollSecret"]});
    document.assert_valid("PairingPollRequest", &poll);
    let (_, pending) = app.post("/api/v1/pairing/poll", None, poll.clone()).await;
    assert_eq!(pending["status"], "pending");
    document.assert_valid("PairingPollResponse", &pending);

    let pair = json!({"code": code["code"]});
    document.assert_valid("PairRequest", &pair);
    let (status, _) = app
        .session_post("/api/v1/pairing/pair", &browser, pair)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, paired) = app.post("/api/v1/pairing/poll", None, poll).await;
    assert_eq!(paired["status"], "paired");
    document.assert_valid("PairingPollResponse", &paired);
    document.assert_valid("ExtensionToken", &paired["token"]);
}

#[tokio::test]
async fn a_push_a_profiles_push_and_their_answers_match_their_schemas() {
    let app = TestApp::new().await;
    let document = Document::served(&app).await;
    let (_, token) = app.paired_user("ada@example.com").await;

    let mut batch = small_batch();
    // A message of a conversation never pushed: stored nowhere, answered as rejected.
    let zoe = member(1);
    batch
        .messages
        .push(message("2-gone", "2-m9", &zoe, "Hi?", start_time()));
    batch.deleted_conversations.push(conversation_urn("2-old"));
    let push = to_json(&batch);
    document.assert_valid("PushBatch", &push);
    let (status, answer) = app.post("/api/v1/sync/push", Some(&token), push).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["rejected"].as_array().unwrap().len(), 1);
    assert!(!answer["backfillNeeded"].as_array().unwrap().is_empty());
    document.assert_valid("PushResponse", &answer);

    let profiles = profiles_push(vec![profile(Some(&zoe), Some("zoe-example"))]);
    document.assert_valid("ProfilesPush", &profiles);
    let (status, answer) = app.post("/api/v1/profiles", Some(&token), profiles).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    document.assert_valid("ProfilesResponse", &answer);
}

#[tokio::test]
async fn sync_requests_hello_runs_and_status_match_their_schemas() {
    let app = TestApp::new().await;
    let document = Document::served(&app).await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;

    let create = json!({"accountId": OWNER, "force": true});
    document.assert_valid("SyncRequestCreate", &create);
    let (status, request) = app
        .session_post("/api/v1/conversations/sync", &browser, create)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    document.assert_valid("SyncRequest", &request);

    let (_, status_with_pending) = app.get("/api/v1/sync/status", Some(&token)).await;
    assert!(status_with_pending["accounts"][0]["pendingRequest"].is_object());
    document.assert_valid("SyncStatus", &status_with_pending);

    let hello = json!({"account": OWNER, "extensionVersion": "0.1.0"});
    document.assert_valid("HelloRequest", &hello);
    let (_, answer) = app
        .post("/api/v1/extension/hello", Some(&token), hello)
        .await;
    assert!(answer["syncRequested"].is_object(), "{answer}");
    document.assert_valid("HelloResponse", &answer);

    let report = json!({
        "runId": "run-1",
        "account": OWNER,
        "trigger": "requested",
        "startedAt": start_time() - Duration::seconds(42),
        "finishedAt": start_time(),
        "outcome": "completed",
        "conversationsProcessed": 1,
        "messagesProcessed": 3,
        "profilesBackfilled": 0,
        "requestsMade": 4,
        "errors": [],
    });
    document.assert_valid("RunReport", &report);
    let (status, _) = app.post("/api/v1/sync/runs", Some(&token), report).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, status_with_run) = app.get("/api/v1/sync/status", Some(&token)).await;
    assert!(status_with_run["accounts"][0]["lastRun"].is_object());
    document.assert_valid("SyncStatus", &status_with_run);
}

#[tokio::test]
async fn error_bodies_match_the_api_error_schema_and_its_codes_are_the_real_ones() {
    let app = TestApp::new().await;
    let document = Document::served(&app).await;
    let (status, unauthenticated) = app.get("/api/v1/sync/status", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    document.assert_valid("ApiError", &unauthenticated);
    let (status, invalid) = app
        .post("/api/v1/pairing/codes", None, json!({"name": 1}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    document.assert_valid("ApiError", &invalid);

    let mut unknown_code = invalid.clone();
    unknown_code["serviceErrorCode"] = json!("TEAPOT");
    document.assert_refused("ApiError", &unknown_code);
    // Every default response points at the same error schema.
    let Document(raw) = &document;
    for (path, operations) in raw["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            assert_eq!(
                operation["responses"]["default"]["content"]["application/json"]["schema"],
                json!({"$ref": "#/components/schemas/ApiError"}),
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn bodies_serde_refuses_are_refused_by_their_schemas_too() {
    let app = TestApp::new().await;
    let document = Document::served(&app).await;
    let good = to_json(&small_batch());
    let mut wrong = Vec::new();

    let mut no_urn = good.clone();
    no_urn["messages"][1].as_object_mut().unwrap().remove("urn");
    wrong.push(("a message without its URN", no_urn));
    let mut null_urn = good.clone();
    null_urn["messages"][1]["urn"] = json!(null);
    wrong.push(("a message with a null URN", null_urn));
    let mut count_as_text = good.clone();
    count_as_text["conversations"][0]["unreadCount"] = json!("3");
    wrong.push(("an unread count as text", count_as_text));
    let mut foreign_urn = good.clone();
    foreign_urn["conversations"][0]["urn"] = json!("urn:li:msg_conversation:(x,y)");
    wrong.push(("a conversation URN without a profile", foreign_urn));
    let mut unknown_state = good.clone();
    unknown_state["messages"][0]["state"] = json!("shouted");
    wrong.push(("an unknown message state", unknown_state));
    let mut bare_sender = good.clone();
    bare_sender["messages"][0]["sender"] = json!(OWNER);
    wrong.push(("a sender without its kind", bare_sender));

    assert!(serde_json::from_value::<PushBatch>(good.clone()).is_ok());
    document.assert_valid("PushBatch", &good);
    for (what, body) in wrong {
        assert!(
            serde_json::from_value::<PushBatch>(body.clone()).is_err(),
            "serde took {what}"
        );
        assert!(
            !document.accepts("PushBatch", &body),
            "the schema took {what}"
        );
    }
}

#[tokio::test]
async fn identifier_patterns_accept_exactly_what_the_parsers_accept() {
    let app = TestApp::new().await;
    let document = Document::served(&app).await;
    let id = "ACoAAPeer00000000000000000000000000000000";
    let profile = format!("urn:li:fsd_profile:{id}");
    // Thread ids may be 300 characters long, not 301.
    let long_thread = "2-".to_owned() + &"x".repeat(298);
    let check = |name: &str, samples: &[String], parses: &dyn Fn(&str) -> bool| {
        for sample in samples {
            assert_eq!(
                document.accepts(name, &json!(sample)),
                parses(sample),
                "{name} {sample:?}"
            );
        }
    };
    check(
        "ProfileUrn",
        &[
            profile.clone(),
            format!("urn:li:fs_miniProfile:{id}"),
            format!("urn:li:msg_messagingParticipant:urn:li:fsd_profile:{id}"),
            "urn:li:fsd_profile:ACoA".into(),
            "urn:li:member:123456".into(),
            format!("urn:li:fsd_profile:{id}!"),
            format!("{profile}\n"),
        ],
        &|raw| ProfileUrn::parse(raw).is_ok(),
    );
    check(
        "CompanyUrn",
        &[
            "urn:li:fsd_company:1035".into(),
            "urn:li:msg_messagingParticipant:urn:li:fsd_company:1035".into(),
            "urn:li:fsd_company:".into(),
            "urn:li:company:1035".into(),
        ],
        &|raw| CompanyUrn::parse(raw).is_ok(),
    );
    check(
        "ConversationUrn",
        &[
            format!("urn:li:msg_conversation:({profile},2-ZmFrZS10aHJlYWQ=)"),
            format!("urn:li:msg_conversation:(urn:li:fs_miniProfile:{id},2-abc)"),
            format!("urn:li:msg_conversation:({profile},{long_thread})"),
            format!("urn:li:msg_conversation:({profile},{long_thread}x)"),
            format!("urn:li:msg_conversation:({profile},2-a,b)"),
            format!("urn:li:msg_conversation:({profile},2-a b)"),
            format!("urn:li:msg_conversation:({profile},2-é)"),
            format!("urn:li:msg_conversation:({profile},)"),
            format!("urn:li:msg_message:({profile},2-abc)"),
        ],
        &|raw| ConversationUrn::parse(raw).is_ok(),
    );
    check(
        "MessageUrn",
        &[
            format!("urn:li:msg_message:({profile},2-bXNnLTE=)"),
            format!("urn:li:msg_message:({profile},2-a(b)"),
            format!("urn:li:msg_conversation:({profile},2-abc)"),
        ],
        &|raw| MessageUrn::parse(raw).is_ok(),
    );
    check(
        "PublicIdentifier",
        &[
            "zoe-example".into(),
            "zoë_例子".into(),
            "zo%C3%AB".into(),
            "ACoAshort".into(),
            id.into(),
            "ab".into(),
            "zoe/example".into(),
        ],
        &|raw| PublicIdentifier::parse(raw).is_ok(),
    );
}
