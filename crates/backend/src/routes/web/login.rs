//! Logging in and out.
//!
//! The login form has no session to hang a CSRF token on, so it uses a double-submit token: the
//! form carries the same random value as a short-lived `SameSite=Strict` cookie, which another
//! site can neither read nor send.
//!
//! Failed logins are rate-limited per address, and per account. The per-account limit stops
//! guessing from many addresses, but anyone can fill it, so it must not lock the owner out: a
//! browser that logged in before carries a device cookie and is counted under that instead
//! (OWASP's "device cookies"). An unknown email costs the same Argon2 work as a known one.

use axum::Form;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use chrono::Duration;
use minijinja::context;
use serde::Deserialize;

use super::page::PageError;
use crate::auth::{
    ClientIp, PageSession, WebSession, clear_session_cookie, cookie_value, session_cookie,
    start_session,
};
use crate::error::ApiError;
use crate::rate_limit::{FAILED_LOGINS, address};
use crate::secrets::{constant_time_eq, random_token, sha256_hex, verify_login};
use crate::state::AppState;
use crate::templates;

const LOGIN_CSRF_COOKIE: &str = "ping_login_csrf";
/// Long enough to type a password, short enough that a stale tab asks again.
const LOGIN_CSRF_SECONDS: i64 = 3600;
/// A browser that logged in: sent to `/login` only.
const DEVICE_COOKIE: &str = "ping_device";
const DEVICE_DAYS: i64 = 365;

fn device_cookie(id: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = DEVICE_DAYS * 24 * 3600;
    format!(
        "{DEVICE_COOKIE}={id}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

fn login_csrf_cookie(token: &str, secure: bool, max_age: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

/// The login form with a fresh CSRF token, an optional error, and the email typed so far.
fn login_page(
    state: &AppState,
    status: StatusCode,
    error: Option<&str>,
    email: &str,
) -> Result<Response, PageError> {
    let token = random_token();
    let html = templates::render(
        "login.html",
        context! { error => error, email_value => email, csrf_token => token },
    )?;
    let cookie = login_csrf_cookie(&token, state.config.secure_cookies, LOGIN_CSRF_SECONDS);
    Ok((status, [(SET_COOKIE, cookie)], html).into_response())
}

pub async fn index(session: Result<PageSession, Response>) -> Redirect {
    Redirect::to(if session.is_ok() {
        "/contacts"
    } else {
        "/login"
    })
}

pub async fn form(State(state): State<AppState>) -> Result<Response, PageError> {
    login_page(&state, StatusCode::OK, None, "")
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(login): Form<LoginForm>,
) -> Result<Response, PageError> {
    // No email holds a NUL (which PostgreSQL would refuse to even look up).
    let email = login.email.trim().to_lowercase().replace('\0', "");
    let expected = cookie_value(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(&login.csrf, expected) {
        let message = "This login form expired or came from another site. Log in again here.";
        return login_page(&state, StatusCode::FORBIDDEN, Some(message), &email);
    }
    let now = state.clock.now();
    let user = state.store.find_user_by_email(&email).await?;
    // A browser this account logged in from before is counted apart from strangers.
    let device = cookie_value(&headers, DEVICE_COOKIE).map(sha256_hex);
    let known_device = match (&user, &device) {
        (Some(user), Some(hash)) => state.store.find_device(hash, now).await? == Some(user.id),
        _ => false,
    };
    let account = match &device {
        Some(hash) if known_device => format!("device:{hash}"),
        _ => format!("email:{email}"),
    };
    let subjects = [address(&ip), account];
    match FAILED_LOGINS
        .ensure_allowed(&*state.store, &subjects, now)
        .await
    {
        Ok(()) => {}
        Err(ApiError::RateLimited { message, .. }) => {
            let message = capitalized_sentence(message);
            return login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                Some(&message),
                &email,
            );
        }
        Err(error) => return Err(error.into()),
    }
    let stored = user.as_ref().map(|user| user.password_hash.as_str());
    let verified = verify_login(stored, &login.password);
    let Some(user) = user.filter(|_| verified) else {
        FAILED_LOGINS.record(&*state.store, &subjects, now).await?;
        let message = "Wrong email or password.";
        return login_page(&state, StatusCode::UNAUTHORIZED, Some(message), &email);
    };
    let id = start_session(&state, user.id).await?;
    let secure = state.config.secure_cookies;
    let mut cookies = vec![
        (SET_COOKIE, session_cookie(&id, secure)),
        (SET_COOKIE, login_csrf_cookie("", secure, 0)),
    ];
    if !known_device {
        let device = random_token();
        let expires_at = now + Duration::days(DEVICE_DAYS);
        state
            .store
            .remember_device(&sha256_hex(&device), user.id, now, expires_at)
            .await?;
        cookies.push((SET_COOKIE, device_cookie(&device, secure)));
    }
    Ok((AppendHeaders(cookies), Redirect::to("/contacts")).into_response())
}

/// `"too many failed logins: wait…"` → `"Too many failed logins: wait…."`, for a page.
fn capitalized_sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars
        .next()
        .map(|first| format!("{}{}.", first.to_uppercase(), chars.as_str()))
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    session: WebSession,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    state.store.delete_session(&session.id_hash).await?;
    Ok((
        [(
            SET_COOKIE,
            clear_session_cookie(state.config.secure_cookies),
        )],
        Redirect::to("/login"),
    )
        .into_response())
}
