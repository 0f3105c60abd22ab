//! The LinkedIn app's OAuth connection against the fake: tokens sealed at rest, the state
//! checked, expiry reminded and refresh used, with the clock injected.

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;
use sqlx::Row as _;

use crate::helpers::TestApp;
use crate::official_helpers::*;

#[tokio::test]
async fn connecting_an_app_keeps_its_secret_and_tokens_sealed() {
    let official = official_app().await;
    official.connect(&LEAD_SCOPES).await;

    let page = official.app_page().await;
    assert!(page.contains("id=\"token-active\""), "{page}");
    assert!(page.contains("<code>r_marketing_leadgen_automation</code>"));
    assert!(
        !page.contains(CLIENT_SECRET),
        "the secret is never shown back"
    );
    assert!(page.contains("Marketing Developer Platform"));

    let row = sqlx::query(
        "SELECT a.client_secret_sealed, c.access_token_sealed, c.refresh_token_sealed \
         FROM official_apps a JOIN official_connections c ON c.user_id = a.user_id",
    )
    .fetch_one(official.app.store.pool())
    .await
    .unwrap();
    let sealed: Vec<String> = (0..3).map(|i| row.get(i)).collect();
    for value in &sealed {
        assert!(!value.contains(CLIENT_SECRET) && !value.contains("AQV") && !value.contains("AQX"));
    }
    let state = official.fake_state().await;
    assert_eq!(state["tokens"], 1);
    assert_eq!(state["refreshTokens"], 1);
}

#[tokio::test]
async fn a_callback_state_is_single_use_and_the_users_own() {
    let official = official_app().await;
    official.save_app(&LEAD_SCOPES).await;
    let callback = official.consent().await;

    // Another user of the backend cannot finish Ada's consent.
    official.app.create_user("bob@example.com").await;
    let bob = official.app.login("bob@example.com").await;
    let (status, page) = official.app.page(&callback, &bob.cookie).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("was not started here"), "{page}");

    // Bob's attempt used the state up.
    let (status, _) = official.app.page(&callback, &official.browser.cookie).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        !official
            .app_page()
            .await
            .contains("id=\"official-connection\"")
    );
}

#[tokio::test]
async fn a_state_older_than_ten_minutes_is_refused() {
    let official = official_app().await;
    official.save_app(&LEAD_SCOPES).await;
    let callback = official.consent().await;
    official.app.clock.advance(Duration::minutes(11));
    let (status, _) = official.app.page(&callback, &official.browser.cookie).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_cancelled_consent_says_so() {
    let official = official_app().await;
    official.save_app(&LEAD_SCOPES).await;
    let callback = official.consent().await;
    let state = callback.split("state=").nth(1).unwrap();
    let cancelled = format!("{APP_PAGE}/callback?error=user_cancelled_authorize&state={state}");
    let (status, page) = official
        .app
        .page(&cancelled, &official.browser.cookie)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("user_cancelled_authorize"), "{page}");
}

#[tokio::test]
async fn without_a_secrets_key_nothing_is_stored_and_the_page_says_what_to_set() {
    let app = TestApp::new().await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    let (_, page) = app.page(APP_PAGE, &browser.cookie).await;
    assert!(page.contains("PING_SECRETS_KEY is not set"), "{page}");
    let fields = [
        ("csrf", browser.csrf.as_str()),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
    ];
    let (status, _, page) = app.form(APP_PAGE, &browser, &fields).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.contains("openssl rand -hex 32"));
    assert!(!page.contains(CLIENT_SECRET));
}

#[tokio::test]
async fn without_refresh_token_the_ui_reminds_a_week_before_the_60_days_end() {
    let mut official = official_app().await;
    official
        .control("app", json!({"refreshTokens": false}))
        .await;
    official.connect(&LEAD_SCOPES).await;
    let settings = "/settings/integrations/linkedin";

    official.advance(Duration::days(52)).await;
    let (_, page) = official.app.page(settings, &official.browser.cookie).await;
    assert!(!page.contains("id=\"official-reminder\""));

    official.advance(Duration::days(2)).await;
    let (_, page) = official.app.page(settings, &official.browser.cookie).await;
    assert!(page.contains("connection ends in 6 days"), "{page}");
    assert!(official.app_page().await.contains("id=\"token-reminder\""));

    official.advance(Duration::days(6)).await;
    let (_, page) = official.app.page(settings, &official.browser.cookie).await;
    assert!(page.contains("connection expired"), "{page}");
    assert!(official.app_page().await.contains("id=\"token-expired\""));

    // Connecting again starts a new 60 days.
    let callback = official.consent().await;
    official.app.page(&callback, &official.browser.cookie).await;
    assert!(official.app_page().await.contains("id=\"token-active\""));
}

#[tokio::test]
async fn a_refresh_token_renews_the_access_token_instead_of_a_reminder() {
    let mut official = official_app().await;
    official.connect(&LEAD_SCOPES).await;
    official.advance(Duration::days(54)).await;

    let page = official.app_page().await;
    assert!(page.contains("id=\"token-refreshed\""), "{page}");
    assert!(page.contains("id=\"token-active\""));
    assert_eq!(
        official.fake_state().await["tokens"],
        2,
        "a second access token"
    );
    official.assert_token_fresh().await;
}

#[tokio::test]
async fn a_dead_refresh_token_leaves_the_reminder_up() {
    let mut official = official_app().await;
    official.connect(&LEAD_SCOPES).await;
    // LinkedIn refuses the refresh (here: the app's secret was reset in the portal).
    official
        .control("app", json!({"clientSecret": "rotated"}))
        .await;
    official.advance(Duration::days(55)).await;
    let page = official.app_page().await;
    assert!(!page.contains("id=\"token-refreshed\""));
    let (_, settings) = official
        .app
        .page("/settings/integrations/linkedin", &official.browser.cookie)
        .await;
    assert!(settings.contains("id=\"official-reminder\""), "{settings}");
}
