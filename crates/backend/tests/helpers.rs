//! A test application on a temporary SQLite file with a manual clock, and request helpers.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{DateTime, Utc};
use ping_backend::avatars::AvatarPolicy;
use ping_backend::clock::ManualClock;
use ping_backend::ids::UserId;
use ping_backend::secrets::hash_password;
use ping_backend::settings::Settings;
use ping_backend::store::sql::SqlStore;
use ping_backend::store::{ContactRecord, LibraryStore as _, UserStore as _};
use ping_backend::{AppConfig, AppState, app};
use ping_core::ids::ProfileUrn;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt as _;

pub const PASSWORD: &str = "correct horse battery";

pub fn start_time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).expect("valid time")
}

pub struct TestApp {
    pub state: AppState,
    pub clock: ManualClock,
    pub store: Arc<SqlStore>,
    _dir: TempDir,
}

/// A logged-in browser: its cookie and the session's CSRF token.
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_policy(AppConfig::from_settings(&Settings::defaults()).avatar_policy).await
    }

    pub async fn with_policy(policy: AvatarPolicy) -> Self {
        let mut config = AppConfig::from_settings(&Settings::defaults());
        config.avatar_policy = policy;
        Self::with_config(config).await
    }

    /// An app over settings changed from the defaults by `change`.
    pub async fn with_settings(change: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = Settings::defaults();
        change(&mut settings);
        Self::with_config(AppConfig::from_settings(&settings)).await
    }

    pub async fn with_config(config: AppConfig) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Arc::new(SqlStore::connect(&url).await.expect("sqlite store"));
        let clock = ManualClock::new(start_time());
        let state = AppState::new(store.clone(), Arc::new(clock.clone()), config);
        Self {
            state,
            clock,
            store,
            _dir: dir,
        }
    }

    pub fn router(&self) -> Router {
        app(self.state.clone())
    }

    pub async fn send(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let response = self.router().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, headers, body.to_vec())
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        let (status, _, bytes) = self.send(request.body(body).expect("request")).await;
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.json(Method::POST, path, token, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.json(Method::GET, path, token, None).await
    }

    pub async fn create_user(&self, email: &str) -> UserId {
        let hash = hash_password(PASSWORD).expect("hash");
        self.store
            .create_user(email, &hash, start_time())
            .await
            .expect("user")
    }

    pub async fn user_id(&self, email: &str) -> UserId {
        self.store
            .find_user_by_email(email)
            .await
            .expect("store")
            .expect("a user")
            .id
    }

    /// The user's contact for a member.
    pub async fn contact(&self, user: UserId, member: &ProfileUrn) -> ContactRecord {
        self.store
            .find_contact_by_urn(user, &member.to_string())
            .await
            .expect("store")
            .expect("a contact")
    }

    /// Opens the login page and submits it the way a browser does: with the form's CSRF field
    /// and the cookie that came with it.
    pub async fn submit_login(
        &self,
        email: &str,
        password: &str,
    ) -> (StatusCode, HeaderMap, String) {
        self.submit_login_from(email, password, &LoginClient::default())
            .await
    }

    /// [`Self::submit_login`] from a given client: its address and the cookies it holds.
    pub async fn submit_login_from(
        &self,
        email: &str,
        password: &str,
        client: &LoginClient,
    ) -> (StatusCode, HeaderMap, String) {
        let (status, headers, page) = self
            .send(Request::get("/login").body(Body::empty()).expect("request"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let login_cookie = first_cookie(&headers);
        let csrf = String::from_utf8_lossy(&page)
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("csrf field")
            .to_owned();
        let form = format!(
            "email={}&password={}&csrf={}",
            urlencode(email),
            urlencode(password),
            urlencode(&csrf)
        );
        let mut cookies = vec![login_cookie];
        cookies.extend(client.cookies.iter().cloned());
        let mut request = Request::post("/login")
            .header(header::COOKIE, cookies.join("; "))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(address) = &client.address {
            request = request.header("x-forwarded-for", address);
        }
        let request = request.body(Body::from(form)).expect("request");
        let (status, headers, body) = self.send(request).await;
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// Logs in through the form and reads the session's CSRF token from a page.
    pub async fn login(&self, email: &str) -> Browser {
        let (status, headers, _) = self.submit_login(email, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login redirects");
        let cookie = first_cookie(&headers);
        let (_, html) = self.page("/settings/integrations/linkedin", &cookie).await;
        let csrf = html
            .split("name=\"csrf-token\" content=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("csrf meta tag")
            .to_owned();
        Browser { cookie, csrf }
    }

    pub async fn page(&self, path: &str, cookie: &str) -> (StatusCode, String) {
        let request = Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request");
        let (status, _, body) = self.send(request).await;
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    pub async fn form(
        &self,
        path: &str,
        browser: &Browser,
        fields: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, String) {
        let body = fields
            .iter()
            .map(|(key, value)| format!("{key}={}", urlencode(value)))
            .collect::<Vec<_>>()
            .join("&");
        let request = Request::post(path)
            .header(header::COOKIE, &browser.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        let (status, headers, body) = self.send(request).await;
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// A session JSON call (cookie + X-CSRF-Token).
    pub async fn session_post(
        &self,
        path: &str,
        browser: &Browser,
        body: Value,
    ) -> (StatusCode, Value) {
        let request = Request::post(path)
            .header(header::COOKIE, &browser.cookie)
            .header("x-csrf-token", &browser.csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        let (status, _, bytes) = self.send(request).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Pairs an extension for `email` through the API and returns its token.
    pub async fn pair_extension(&self, browser: &Browser) -> String {
        let (status, code) = self
            .post(
                "/api/v1/pairing/codes",
                None,
                serde_json::json!({"clientName": "Chrome on Linux"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = self
            .session_post(
                "/api/v1/pairing/pair",
                browser,
                serde_json::json!({"code": code["code"]}),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, polled) = self
            .post(
                "/api/v1/pairing/poll",
                None,
                serde_json::json!({"code": code["code"], "pollSecret": code["pollSecret"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{polled}");
        assert_eq!(polled["status"], "paired");
        polled["token"]["token"].as_str().expect("token").to_owned()
    }

    /// A user, logged in, with a paired extension.
    pub async fn paired_user(&self, email: &str) -> (Browser, String) {
        self.create_user(email).await;
        let browser = self.login(email).await;
        let token = self.pair_extension(&browser).await;
        (browser, token)
    }
}

/// Where a login comes from: the client's address (sent as `X-Forwarded-For`, read by an app
/// behind one trusted proxy) and the cookies its browser holds (`name=value`).
#[derive(Debug, Clone, Default)]
pub struct LoginClient {
    pub address: Option<String>,
    pub cookies: Vec<String>,
}

impl LoginClient {
    pub fn at(address: &str) -> Self {
        Self {
            address: Some(address.to_owned()),
            cookies: Vec::new(),
        }
    }
}

/// The `name=value` of the `Set-Cookie` header that sets `name`, if any.
pub fn cookie_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// The `name=value` of the first `Set-Cookie` header.
pub fn first_cookie(headers: &HeaderMap) -> String {
    headers
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .expect("a cookie")
        .to_owned()
}

pub fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
