//! Logging in and out.
//!
//! The login form has no session to hang a CSRF token on, so it uses a double-submit token: the
//! form carries the same random value as a short-lived `SameSite=Strict` cookie, which another
//! site can neither read nor send. Failed logins are rate-limited per address and per email.

use axum::Form;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::page::PageError;
use crate::auth::{
    ClientIp, PageSession, WebSession, clear_session_cookie, cookie_value, session_cookie,
    start_session,
};
use crate::error::ApiError;
use crate::rate_limit::{FAILED_LOGINS, address};
use crate::secrets::{constant_time_eq, random_token, verify_password};
use crate::state::AppState;
use crate::templates;

const LOGIN_CSRF_COOKIE: &str = "ping_login_csrf";
/// Long enough to type a password, short enough that a stale tab asks again.
const LOGIN_CSRF_SECONDS: i64 = 3600;

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
    let email = login.email.trim().to_lowercase();
    let expected = cookie_value(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(&login.csrf, expected) {
        let message = "This login form expired or came from another site. Log in again here.";
        return login_page(&state, StatusCode::FORBIDDEN, Some(message), &email);
    }
    let subjects = [address(&ip), format!("email:{email}")];
    let now = state.clock.now();
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
    let user = state.store.find_user_by_email(&email).await?;
    let verified = user.filter(|user| verify_password(&login.password, &user.password_hash));
    let Some(user) = verified else {
        FAILED_LOGINS.record(&*state.store, &subjects, now).await?;
        let message = "Wrong email or password.";
        return login_page(&state, StatusCode::UNAUTHORIZED, Some(message), &email);
    };
    let id = start_session(&state, user.id).await?;
    let secure = state.config.secure_cookies;
    Ok((
        AppendHeaders([
            (SET_COOKIE, session_cookie(&id, secure)),
            (SET_COOKIE, login_csrf_cookie("", secure, 0)),
        ]),
        Redirect::to("/contacts"),
    )
        .into_response())
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
