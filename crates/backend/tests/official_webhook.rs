//! `GET|POST /connect/webhook/linkedin`: the validation challenge, `X-LI-Signature` in each
//! documented reading and nothing else, leads fetched from the fake and mapped into CRM leads,
//! replays and unknown forms logged once.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::official_helpers::*;

const WEBHOOK: &str = "/connect/webhook/linkedin";
const MAPPING: &str = "1 = first_name\n2 = last_name\n3 = email\n4 = company\n5 = profile_url";

/// A connected app with form 4311 mapped.
async fn lead_sync() -> Official {
    let official = official_app().await;
    official.connect(&LEAD_SCOPES).await;
    let fields = [
        ("csrf", official.browser.csrf.as_str()),
        ("form_id", "4311"),
        ("mapping", MAPPING),
    ];
    let path = format!("{APP_PAGE}/forms");
    let (status, _, _) = official.app.form(&path, &official.browser, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    official
}

fn answers() -> Value {
    json!({"1": "Grace", "2": "Hopper", "3": "Grace@Navy.example", "4": "US Navy", "5": "https://www.linkedin.com/in/grace-h"})
}

/// A lead in the fake: the notification's body and signature.
async fn lead(official: &Official, extra: Value) -> (String, String) {
    let mut request = json!({"answers": answers()});
    request
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let made = official.control("leads", request).await;
    (
        made["notification"].as_str().unwrap().to_owned(),
        made["signature"].as_str().unwrap().to_owned(),
    )
}

async fn deliver(official: &Official, body: &str, signature: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::post(format!("{WEBHOOK}?app={CLIENT_ID}"))
        .header("content-type", "application/json");
    if let Some(signature) = signature {
        request = request.header("x-li-signature", signature);
    }
    let (status, _, bytes) = official
        .app
        .send(request.body(Body::from(body.to_owned())).unwrap())
        .await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn lead_count(official: &Official) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM official_leads")
        .fetch_one(official.app.store.pool())
        .await
        .unwrap()
}

async fn outcomes(official: &Official) -> Vec<String> {
    sqlx::query_scalar("SELECT outcome FROM official_webhook_events ORDER BY id")
        .fetch_all(official.app.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_validation_challenge_is_answered_with_the_hmac_of_its_code() {
    let official = official_app().await;
    official.save_app(&LEAD_SCOPES).await;
    let code = "890e4665-4dfe-4ab1-b689-ed553bceeed0";
    let (status, answer) = official
        .app
        .get(
            &format!("{WEBHOOK}?challengeCode={code}&app={CLIENT_ID}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // HMAC-SHA256(key "fake-client-secret", the code), computed with Python's hmac module.
    assert_eq!(
        answer,
        json!({"challengeCode": code,
               "challengeResponse": "b100a785269d757fd8c95afeb0d5dbf5895ad8b2741702a0751834736e670ab6"})
    );
    // With one app on the backend the `app` parameter may be left out.
    let (status, _) = official
        .app
        .get(&format!("{WEBHOOK}?challengeCode={code}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = official
        .app
        .get(&format!("{WEBHOOK}?app=nobody&challengeCode=x"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], 404);
}

#[tokio::test]
async fn a_signed_lead_becomes_a_crm_lead_linked_to_its_contact() {
    let official = lead_sync().await;
    let user = official.app.user_id("ada@example.com").await;
    sqlx::query(
        "INSERT INTO contacts (user_id, kind, display_name, email, created_at, updated_at) \
         VALUES ($1, 'person', 'Grace Hopper', 'grace@navy.example', 0, 0)",
    )
    .bind(user.0)
    .execute(official.app.store.pool())
    .await
    .unwrap();
    let contact: i64 = sqlx::query_scalar("SELECT id FROM contacts")
        .fetch_one(official.app.store.pool())
        .await
        .unwrap();

    let (body, signature) = lead(&official, json!({"responseId": "lead-1"})).await;
    let (status, _) = deliver(&official, &body, Some(&signature)).await;
    assert_eq!(status, StatusCode::OK);

    let (status, page) = official.app.page("/leads", &official.browser.cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-lead-id=\"lead-1\""), "{page}");
    assert!(page.contains("Grace Hopper") && page.contains("US Navy"));
    assert!(
        page.contains(&format!("/contacts/{contact}")),
        "linked by email, any case"
    );
    let fields: String = sqlx::query_scalar("SELECT fields_json FROM official_leads")
        .fetch_one(official.app.store.pool())
        .await
        .unwrap();
    let fields: Value = serde_json::from_str(&fields).unwrap();
    assert_eq!(fields["email"], "Grace@Navy.example");
    assert_eq!(fields["profile_url"], "https://www.linkedin.com/in/grace-h");
    assert_eq!(outcomes(&official).await, ["stored"]);
}

#[tokio::test]
async fn each_documented_signature_reading_is_accepted() {
    let official = lead_sync().await;
    for (index, signing) in ["prefixedBody", "prefixedHex", "bareHex"]
        .iter()
        .enumerate()
    {
        let id = format!("lead-{index}");
        let (body, signature) =
            lead(&official, json!({"responseId": id, "signing": signing})).await;
        let (status, _) = deliver(&official, &body, Some(&signature)).await;
        assert_eq!(status, StatusCode::OK, "{signing}");
    }
    assert_eq!(lead_count(&official).await, 3);
}

#[tokio::test]
async fn an_invalid_signature_is_refused_and_nothing_is_fetched_or_stored() {
    let official = lead_sync().await;
    let (body, signature) = lead(&official, json!({"responseId": "lead-1"})).await;
    let tampered = body.replace("lead-1", "lead-2");
    official
        .control("app", json!({"clientSecret": "not-ours"}))
        .await;
    let (_, foreign) = lead(&official, json!({"responseId": "lead-1"})).await;
    for (body, signature) in [
        (body.as_str(), None),
        (body.as_str(), Some("")),
        (tampered.as_str(), Some(signature.as_str())),
        (body.as_str(), Some(foreign.as_str())),
        (body.as_str(), Some(&*signature.to_uppercase())),
        (body.as_str(), Some(&*format!("sha256={signature}"))),
    ] {
        let (status, error) = deliver(&official, body, signature).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{signature:?}");
        assert_eq!(error["status"], 401);
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("X-LI-Signature")
        );
    }
    assert_eq!(lead_count(&official).await, 0);
    assert!(outcomes(&official).await.is_empty());
}

#[tokio::test]
async fn a_replayed_notification_is_stored_once_and_logged() {
    let official = lead_sync().await;
    let (body, signature) = lead(&official, json!({"responseId": "lead-1"})).await;
    for _ in 0..2 {
        let (status, _) = deliver(&official, &body, Some(&signature)).await;
        assert_eq!(status, StatusCode::OK, "a replay is acknowledged");
    }
    assert_eq!(lead_count(&official).await, 1);
    assert_eq!(outcomes(&official).await, ["stored", "replay"]);
    let page = official.app_page().await;
    assert!(page.contains("id=\"webhook-events\"") && page.contains("replay"));
}

#[tokio::test]
async fn a_lead_of_an_unmapped_form_is_logged_not_stored() {
    let official = lead_sync().await;
    let (body, signature) = lead(&official, json!({"responseId": "lead-9", "formId": 777})).await;
    let (status, _) = deliver(&official, &body, Some(&signature)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lead_count(&official).await, 0);
    assert_eq!(outcomes(&official).await, ["unknown_form"]);
}

#[tokio::test]
async fn a_withdrawn_lead_is_deleted() {
    let official = lead_sync().await;
    let (body, signature) = lead(&official, json!({"responseId": "lead-1"})).await;
    deliver(&official, &body, Some(&signature)).await;
    let (body, signature) = lead(
        &official,
        json!({"responseId": "lead-1", "action": "DELETED"}),
    )
    .await;
    let (status, _) = deliver(&official, &body, Some(&signature)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lead_count(&official).await, 0);
    assert_eq!(outcomes(&official).await, ["stored", "deleted"]);
}

#[tokio::test]
async fn a_throttled_fetch_is_refused_so_linkedin_delivers_again() {
    let official = lead_sync().await;
    let (body, signature) = lead(&official, json!({"responseId": "lead-1"})).await;
    official.control("faults", json!({"status": 429})).await;
    let (status, error) = deliver(&official, &body, Some(&signature)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error["status"], 503);
    assert_eq!(lead_count(&official).await, 0);
    let (status, _) = deliver(&official, &body, Some(&signature)).await;
    assert_eq!(status, StatusCode::OK, "delivered again, stored");
    assert_eq!(lead_count(&official).await, 1);
}

#[tokio::test]
async fn without_the_lead_sync_scope_the_fetch_fails_with_linkedins_403() {
    let official = official_app().await;
    official.connect(&["openid"]).await;
    let fields = [
        ("csrf", official.browser.csrf.as_str()),
        ("form_id", "4311"),
        ("mapping", MAPPING),
    ];
    official
        .app
        .form(&format!("{APP_PAGE}/forms"), &official.browser, &fields)
        .await;
    let (body, signature) = lead(&official, json!({"responseId": "lead-1"})).await;
    let (status, error) = deliver(&official, &body, Some(&signature)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        error["message"].as_str().unwrap().contains("403"),
        "{error}"
    );
}
