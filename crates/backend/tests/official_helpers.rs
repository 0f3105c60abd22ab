//! An app wired to the official API's fake: a LinkedIn app saved, connected through the OAuth
//! flow, and calls to the fake's control routes.

use axum::http::{StatusCode, header};
use fake_linkedin::{FakeConfig, FakeServer};
use ping_backend::clock::Clock as _;
use ping_backend::settings::Settings;
use serde_json::Value;

use crate::helpers::{Browser, TestApp};

/// The fake's default developer app.
pub const CLIENT_ID: &str = "fake-client-id";
pub const CLIENT_SECRET: &str = "fake-client-secret";
/// 32 bytes of test key, hex.
pub const SECRETS_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
pub const APP_PAGE: &str = "/settings/integrations/linkedin/app";

pub struct Official {
    pub app: TestApp,
    pub fake: FakeServer,
    pub browser: Browser,
}

/// A backend whose LinkedIn hosts are the fake, with a logged-in user (no app yet).
pub async fn official_app() -> Official {
    official_app_with(|_| {}).await
}

/// [`official_app`] with more settings changed.
pub async fn official_app_with(change: impl FnOnce(&mut Settings)) -> Official {
    let fake = FakeServer::start(FakeConfig::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = fake.base_url();
    let app = TestApp::with_settings(|settings| {
        settings.secrets_key = Some(SECRETS_KEY.parse().unwrap());
        settings.linkedin_oauth_url = base.clone();
        settings.linkedin_api_url = base.clone();
        change(settings);
    })
    .await;
    app.create_user("ada@example.com").await;
    let browser = app.login("ada@example.com").await;
    Official { app, fake, browser }
}

impl Official {
    /// A control call to the fake's official API.
    pub async fn control(&self, route: &str, body: Value) -> Value {
        let url = format!("{}/__fake/official/{route}", self.fake.base_url());
        let response = reqwest::Client::new()
            .post(url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "control {route}");
        response.json().await.unwrap()
    }

    pub async fn fake_state(&self) -> Value {
        let url = format!("{}/__fake/official/state", self.fake.base_url());
        reqwest::get(url).await.unwrap().json().await.unwrap()
    }

    /// Saves the fake's app with `scopes`.
    pub async fn save_app(&self, scopes: &[&str]) -> (StatusCode, String) {
        let mut fields = vec![
            ("csrf", self.browser.csrf.as_str()),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ];
        fields.extend(scopes.iter().map(|scope| ("scope", *scope)));
        let (status, _, body) = self.app.form(APP_PAGE, &self.browser, &fields).await;
        (status, body)
    }

    /// Clicks Connect and follows LinkedIn's consent: the callback URL (path and query) the
    /// fake redirects the browser to.
    pub async fn consent(&self) -> String {
        let csrf = [("csrf", self.browser.csrf.as_str())];
        let connect = format!("{APP_PAGE}/connect");
        let (status, headers, _) = self.app.form(&connect, &self.browser, &csrf).await;
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "Connect redirects to LinkedIn"
        );
        let authorize = headers[header::LOCATION].to_str().unwrap().to_owned();
        assert!(authorize.starts_with(&self.fake.base_url()), "{authorize}");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = client.get(&authorize).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::FOUND, "the fake consents");
        let callback = answer.headers()[header::LOCATION].to_str().unwrap();
        let callback = url::Url::parse(callback).unwrap();
        format!("{}?{}", callback.path(), callback.query().unwrap())
    }

    /// Saves the app and connects it.
    pub async fn connect(&self, scopes: &[&str]) {
        let (status, _) = self.save_app(scopes).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "app saved");
        let callback = self.consent().await;
        let (status, _) = self.app.page(&callback, &self.browser.cookie).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "callback connects");
    }

    /// Moves the clock on, and logs in again (web sessions end before tokens do).
    pub async fn advance(&mut self, by: chrono::Duration) {
        self.app.clock.advance(by);
        self.browser = self.app.login("ada@example.com").await;
    }

    /// One round of the official API's background job, at the app's clock.
    pub async fn run_job(&self) {
        ping_backend::official::job::run_round(&self.app.state).await;
    }

    /// Asserts the stored access token ends 60 days from now (it was just issued or renewed).
    pub async fn assert_token_fresh(&self) {
        let ends: i64 = sqlx::query_scalar("SELECT access_expires_at FROM official_connections")
            .fetch_one(self.app.store.pool())
            .await
            .unwrap();
        let now = self.app.clock.now();
        assert_eq!(ends, (now + chrono::Duration::days(60)).timestamp_millis());
    }

    pub async fn app_page(&self) -> String {
        let (status, html) = self.app.page(APP_PAGE, &self.browser.cookie).await;
        assert_eq!(status, StatusCode::OK);
        html
    }
}

/// Every scope of the page that the features use.
pub const LEAD_SCOPES: [&str; 3] = [
    "openid",
    "r_marketing_leadgen_automation",
    "r_organization_admin",
];
