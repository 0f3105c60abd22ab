//! Sales Navigator Profile Associations against the fake: every documented answer becomes a
//! clear state on the CRM Sync page, 429 backs off, a match fills photo and profile URL.

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};

use crate::official_helpers::*;

const PAGE: &str = "/settings/integrations/linkedin/app/crm-sync";
const SCOPES: [&str; 2] = ["openid", "r_sales_nav_profiles"];
const INSTANCE: &str = "contoso.crm.dynamics.com";

fn key(record: &str) -> String {
    format!("(partner:MS,instanceId:{INSTANCE},recordId:{record})")
}

/// A contact of Ada's with a CRM record `record`.
async fn contact_with_record(official: &Official, name: &str, record: &str) -> i64 {
    let user = official.app.user_id("ada@example.com").await;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (user_id, kind, display_name, created_at, updated_at) \
         VALUES ($1, 'person', $2, 0, 0) RETURNING id",
    )
    .bind(user.0)
    .bind(name)
    .fetch_one(official.app.store.pool())
    .await
    .unwrap();
    let id_text = id.to_string();
    let fields = [
        ("csrf", official.browser.csrf.as_str()),
        ("contact_id", id_text.as_str()),
        ("partner", "MS"),
        ("instance_id", INSTANCE),
        ("record_id", record),
    ];
    let (status, _, _) = official.app.form(PAGE, &official.browser, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    id
}

async fn check_now(official: &Official) -> StatusCode {
    let fields = [("csrf", official.browser.csrf.as_str())];
    let path = format!("{PAGE}/check");
    official.app.form(&path, &official.browser, &fields).await.0
}

/// The state a contact's row shows.
fn row_state(page: &str, contact: i64) -> String {
    let row = page
        .split(&format!("data-contact-id=\"{contact}\" data-state=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no row for {contact}: {page}"));
    row.split('"').next().unwrap().to_owned()
}

async fn answer(official: &Official, record: &str, status: u16, code: i64, body: Value) {
    official
        .control(
            "associations",
            json!({"key": key(record), "status": status, "serviceErrorCode": code,
                   "message": format!("answer {status} {code}"), "body": body}),
        )
        .await;
}

#[tokio::test]
async fn every_documented_answer_has_its_own_state() {
    let official = official_app().await;
    official.connect(&SCOPES).await;
    let cases = [
        ("r-match", 200, 0, "matched"),
        ("r-missing", 400, 0, "missing_parameter"),
        ("r-40001", 400, 40001, "crm_sync_not_enabled"),
        ("r-40002", 400, 40002, "crm_sync_status_unknown"),
        ("r-401", 401, 0, "unauthorized"),
        ("r-403", 403, 100, "missing_scope"),
        ("r-none", 404, 0, "no_match"),
        ("r-500", 500, 0, "server_error"),
    ];
    let mut contacts = Vec::new();
    for (record, status, code, _) in cases {
        let body = json!({"member": "urn:li:person:Ab3dEf",
            "profile": "https://www.linkedin.com/sales/profile/ACwAAAwMJ8gB1ACz,,?pathWildcard=ACwAAAwMJ8gB1ACz",
            "profilePhoto": "https://media.licdn.com/dms/image/C4E03AQ/0"});
        answer(&official, record, status, code, body).await;
        contacts.push(contact_with_record(&official, record, record).await);
    }
    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert_eq!(row_state(&page, contacts[0]), "pending");

    assert_eq!(check_now(&official).await, StatusCode::SEE_OTHER);
    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    for ((record, _, _, state), contact) in cases.iter().zip(&contacts) {
        assert_eq!(row_state(&page, *contact), *state, "{record}");
    }
    assert!(page.contains("class=\"sales-nav-link\""));
    assert!(page.contains("class=\"crm-photo\""));
    // The page's CSP shows this backend's images only: the photo is queued as the avatar.
    assert!(
        page.contains("becomes the avatar once downloaded") && !page.contains("<img src=\"http")
    );
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM avatar_jobs WHERE contact_id = $1")
        .bind(contacts[0])
        .fetch_one(official.app.store.pool())
        .await
        .unwrap();
    assert_eq!(queued, 1);
    assert!(page.contains("CRM Sync is not enabled"));
    assert!(page.contains("LinkedIn: answer 400 40002"));
}

#[tokio::test]
async fn a_match_without_a_public_photo_keeps_the_profile_url() {
    let official = official_app().await;
    official.connect(&SCOPES).await;
    let body = json!({"member": "urn:li:person:Ab3dEf", "profile": "https://www.linkedin.com/sales/profile/X"});
    answer(&official, "r-1", 200, 0, body).await;
    let contact = contact_with_record(&official, "Zoe", "r-1").await;
    check_now(&official).await;
    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert_eq!(row_state(&page, contact), "matched");
    assert!(page.contains("sales-nav-link") && !page.contains("class=\"crm-photo\""));
}

#[tokio::test]
async fn without_the_scope_linkedins_403_reads_as_missing_scope() {
    let official = official_app().await;
    official.connect(&["openid"]).await;
    let contact = contact_with_record(&official, "Zoe", "r-1").await;
    check_now(&official).await;
    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert_eq!(row_state(&page, contact), "missing_scope");
    assert!(page.contains("tick the scope"));
}

#[tokio::test]
async fn an_expired_token_reads_as_unauthorized() {
    let official = official_app().await;
    official.connect(&SCOPES).await;
    official.control("expire-tokens", json!({})).await;
    let contact = contact_with_record(&official, "Zoe", "r-1").await;
    check_now(&official).await;
    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert_eq!(row_state(&page, contact), "unauthorized");
}

#[tokio::test]
async fn a_429_stops_the_run_and_waits_out_its_backoff() {
    let mut official = official_app().await;
    official.connect(&SCOPES).await;
    let first = contact_with_record(&official, "Ada L", "r-1").await;
    let second = contact_with_record(&official, "Bob M", "r-2").await;
    official
        .control("faults", json!({"status": 429, "times": 2}))
        .await;

    check_now(&official).await;
    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert_eq!(row_state(&page, first), "throttled");
    assert_eq!(
        row_state(&page, second),
        "pending",
        "the run stopped at the 429"
    );
    let waits = || async {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT check_after - checked_at, throttled FROM official_crm_records \
             WHERE state = 'throttled'",
        )
        .fetch_all(official.app.store.pool())
        .await
        .unwrap();
        rows
    };
    assert_eq!(
        waits().await,
        [(Duration::minutes(15).num_milliseconds(), 1)]
    );

    // Within the backoff only the other record is asked (and throttled too, its own 15 min).
    check_now(&official).await;
    let fifteen = Duration::minutes(15).num_milliseconds();
    assert_eq!(
        waits().await,
        [(fifteen, 1), (fifteen, 1)],
        "the first was not asked again"
    );
    official.advance(Duration::minutes(16)).await;
    check_now(&official).await;
    let (_, page) = official.app.page(PAGE, &official.browser.cookie).await;
    assert_eq!(
        row_state(&page, first),
        "no_match",
        "asked again after its backoff"
    );
}
