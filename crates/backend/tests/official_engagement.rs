//! The official API's background job against the fake: comments and reactions on the
//! organisation's posts recorded once and attached through Profile Associations, a clear state
//! for a missing scope or product, backoff after a 429, and tokens renewed (or the refusal
//! shown) without a page load.

use axum::http::StatusCode;
use chrono::Duration;
use ping_backend::official::engagement::sync_engagement;
use serde_json::{Value, json};

use crate::official_helpers::*;
use crate::official_posts::compose;

const CRM_PAGE: &str = "/settings/integrations/linkedin/app/crm-sync";
const SCOPES: [&str; 5] = [
    "openid",
    "r_organization_admin",
    "w_organization_social",
    "r_organization_social",
    "r_sales_nav_profiles",
];
const GRACE: &str = "urn:li:person:Gr4ce";
const STRANGER: &str = "urn:li:person:Str4nger";
/// The profile link a Profile Association answers (escaped in the page's `href`).
const SALES_NAV: &str = "https://www.linkedin.com/sales/profile/ACwAAAwMJ8gB1ACz";

/// Connects with `scopes` and sends one post; its URN.
async fn connected_with_post(official: &Official, scopes: &[&str]) -> String {
    official.connect(scopes).await;
    let (status, location) = compose(official, "Q3 webinar is open", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    official.fake_state().await["posts"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Grace, a contact whose CRM record Sales Navigator matches to member [`GRACE`].
async fn grace_matched(official: &Official) -> i64 {
    let user = official.app.user_id("ada@example.com").await;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (user_id, kind, display_name, created_at, updated_at) \
         VALUES ($1, 'person', 'Grace Hopper', 0, 0) RETURNING id",
    )
    .bind(user.0)
    .fetch_one(official.app.store.pool())
    .await
    .unwrap();
    let key = "(partner:MS,instanceId:contoso.crm.dynamics.com,recordId:grace)";
    official
        .control(
            "associations",
            json!({"key": key, "body": {"member": GRACE, "profile": SALES_NAV}}),
        )
        .await;
    let id_text = id.to_string();
    let fields = [
        ("csrf", official.browser.csrf.as_str()),
        ("contact_id", id_text.as_str()),
        ("partner", "MS"),
        ("instance_id", "contoso.crm.dynamics.com"),
        ("record_id", "grace"),
    ];
    let (status, _, _) = official
        .app
        .form(CRM_PAGE, &official.browser, &fields)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let check = [("csrf", official.browser.csrf.as_str())];
    let path = format!("{CRM_PAGE}/check");
    official.app.form(&path, &official.browser, &check).await;
    id
}

async fn engage(official: &Official, body: Value) {
    official.control("engagement", body).await;
}

async fn recorded(official: &Official) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM official_engagements")
        .fetch_one(official.app.store.pool())
        .await
        .unwrap()
}

fn engagement_state(page: &str) -> String {
    let rest = page
        .split("id=\"engagement-sync\" data-state=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no engagement section: {page}"));
    rest.split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn engagement_is_recorded_once_across_two_polls_and_attached_to_the_matching_contact() {
    let official = official_app().await;
    let post = connected_with_post(&official, &SCOPES).await;
    let grace = grace_matched(&official).await;
    // More reactions than one page holds: the poll pages through them.
    let mut reactions: Vec<Value> = (0..55)
        .map(|n| json!({"actor": format!("urn:li:person:m{n}")}))
        .collect();
    reactions.push(json!({"actor": GRACE, "reactionType": "PRAISE"}));
    engage(
        &official,
        json!({"comments": [{"actor": GRACE, "text": "Great webinar"},
                            {"actor": STRANGER, "text": "Is it recorded?"}],
               "reactions": reactions}),
    )
    .await;

    official.run_job().await;
    assert_eq!(recorded(&official).await, 58);
    official.app.clock.advance(Duration::minutes(15));
    official.run_job().await;
    assert_eq!(recorded(&official).await, 58, "each recorded once");

    let (status, contact) = official
        .app
        .page(&format!("/contacts/{grace}"), &official.browser.cookie)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(contact.contains("id=\"engagement\""), "{contact}");
    assert!(contact.contains("Great webinar") && contact.contains("PRAISE"));
    assert!(contact.contains(&post), "which post");
    assert!(!contact.contains("Is it recorded?"), "not Grace's");
    assert!(
        contact.contains("id=\"sales-navigator-link\"") && contact.contains("ACwAAAwMJ8gB1ACz"),
        "the association's Sales Navigator profile"
    );

    let post_page = format!("/settings/integrations/linkedin/app/post?post={post}");
    let (status, page) = official
        .app
        .page(&post_page, &official.browser.cookie)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(STRANGER) && page.contains("Is it recorded?"));
    assert!(page.contains("data-attached=\"no\"") && page.contains("Grace Hopper"));
    assert_eq!(engagement_state(&official.app_page().await), "ok");
}

#[tokio::test]
async fn a_reaction_changed_between_two_polls_replaces_the_stored_type_and_is_not_counted_new() {
    let official = official_app().await;
    connected_with_post(&official, &SCOPES).await;
    let grace = grace_matched(&official).await;
    let user = official.app.user_id("ada@example.com").await;
    let poll = || sync_engagement(&official.app.state, user);
    let stored = || async {
        sqlx::query_as::<_, (String, String)>(
            "SELECT engagement_id, content FROM official_engagements",
        )
        .fetch_all(official.app.store.pool())
        .await
        .unwrap()
    };
    engage(&official, json!({"reactions": [{"actor": GRACE}]})).await;
    assert_eq!(poll().await.unwrap(), 1);
    let liked = stored().await;
    assert_eq!(liked.len(), 1);
    assert_eq!(liked[0].1, "LIKE");

    // Grace turns her LIKE into PRAISE: LinkedIn keeps the reaction's id.
    engage(
        &official,
        json!({"reactions": [{"actor": GRACE, "reactionType": "PRAISE"}]}),
    )
    .await;
    official.app.clock.advance(Duration::minutes(15));
    assert_eq!(poll().await.unwrap(), 0, "a changed reaction is not new");
    assert_eq!(stored().await, [(liked[0].0.clone(), "PRAISE".to_owned())]);
    let (_, contact) = official
        .app
        .page(&format!("/contacts/{grace}"), &official.browser.cookie)
        .await;
    assert!(contact.contains("PRAISE"), "{contact}");

    // Polled again unchanged: still one PRAISE.
    official.app.clock.advance(Duration::minutes(15));
    assert_eq!(poll().await.unwrap(), 0);
    assert_eq!(stored().await, [(liked[0].0.clone(), "PRAISE".to_owned())]);
}

#[tokio::test]
async fn engagement_polled_before_the_match_is_attached_when_the_association_arrives() {
    let official = official_app().await;
    connected_with_post(&official, &SCOPES).await;
    engage(
        &official,
        json!({"comments": [{"actor": GRACE, "text": "Early bird"}]}),
    )
    .await;
    official.run_job().await;
    let grace = grace_matched(&official).await;
    let (_, contact) = official
        .app
        .page(&format!("/contacts/{grace}"), &official.browser.cookie)
        .await;
    assert!(contact.contains("Early bird"), "{contact}");
}

#[tokio::test]
async fn without_the_engagement_scope_the_app_page_names_it_and_linkedin_is_not_asked() {
    let official = official_app().await;
    connected_with_post(&official, &SCOPES[..3]).await;
    engage(
        &official,
        json!({"comments": [{"actor": GRACE, "text": "Hi"}]}),
    )
    .await;
    official.run_job().await;
    let page = official.app_page().await;
    assert_eq!(engagement_state(&page), "missing_scope");
    assert!(page.contains("id=\"engagement-missing-scope\""));
    assert!(page.contains("<code>r_organization_social</code>"));
    assert_eq!(recorded(&official).await, 0);
}

#[tokio::test]
async fn a_403_from_linkedin_names_the_community_management_product() {
    let official = official_app().await;
    official
        .control("app", json!({"communityManagement": false}))
        .await;
    connected_with_post(&official, &SCOPES).await;
    official.run_job().await;
    let page = official.app_page().await;
    assert_eq!(engagement_state(&page), "missing_product");
    assert!(page.contains("Community Management product"), "{page}");
    assert!(
        page.contains("partnerApiSocialActions.GET_ALL"),
        "LinkedIn's words"
    );
}

#[tokio::test]
async fn a_429_backs_the_polls_off_until_its_pause_ends() {
    let official = official_app().await;
    connected_with_post(&official, &SCOPES).await;
    engage(
        &official,
        json!({"comments": [{"actor": GRACE, "text": "Hi"}]}),
    )
    .await;
    official.control("faults", json!({"status": 429})).await;

    official.run_job().await;
    let page = official.app_page().await;
    assert_eq!(engagement_state(&page), "throttled");
    assert!(page.contains("id=\"engagement-throttled\""));
    // The 429 was the only fault queued: a poll now would succeed, so nothing recorded means
    // nothing was asked.
    official.run_job().await;
    assert_eq!(recorded(&official).await, 0);

    official.app.clock.advance(Duration::minutes(16));
    official.run_job().await;
    assert_eq!(recorded(&official).await, 1);
}

#[tokio::test]
async fn the_job_renews_a_due_access_token_without_a_page_load() {
    let official = official_app().await;
    official.connect(&LEAD_SCOPES).await;
    official.app.clock.advance(Duration::days(54));
    official.run_job().await;
    assert_eq!(official.fake_state().await["tokens"], 2, "renewed");
    official.assert_token_fresh().await;
}

#[tokio::test]
async fn a_refused_refresh_token_is_recorded_and_the_page_asks_to_connect_again() {
    let mut official = official_app().await;
    official.connect(&LEAD_SCOPES).await;
    official.control("revoke-refresh-tokens", json!({})).await;
    official.app.clock.advance(Duration::days(54));
    official.run_job().await;

    official.advance(Duration::minutes(1)).await;
    let page = official.app_page().await;
    assert!(page.contains("id=\"token-needs-reconnect\""), "{page}");
    assert!(page.contains("invalid_grant"));
    assert!(page.contains("id=\"token-reminder\""));

    // Connecting again clears it.
    let callback = official.consent().await;
    official.app.page(&callback, &official.browser.cookie).await;
    let page = official.app_page().await;
    assert!(!page.contains("id=\"token-needs-reconnect\""));
    assert!(page.contains("id=\"token-active\""));
}
