//! Logging in and out.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::PageError;
use crate::auth::{PageSession, WebSession, clear_session_cookie, session_cookie, start_session};
use crate::secrets::verify_password;
use crate::state::AppState;

pub async fn index(session: Result<PageSession, Response>) -> Redirect {
    Redirect::to(if session.is_ok() {
        "/contacts"
    } else {
        "/login"
    })
}

pub async fn form(State(state): State<AppState>) -> Result<Response, PageError> {
    let html = state
        .templates
        .render("login.html", context! { email_value => "" })
        .map_err(|error| PageError::new(&state, error))?;
    Ok(html.into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Form(login): Form<LoginForm>,
) -> Result<Response, PageError> {
    let email = login.email.trim().to_lowercase();
    let user = state
        .store
        .find_user_by_email(&email)
        .await
        .map_err(|error| PageError::new(&state, error))?;
    let verified = user.filter(|user| verify_password(&login.password, &user.password_hash));
    let Some(user) = verified else {
        let html = state
            .templates
            .render(
                "login.html",
                context! { error => "Wrong email or password.", email_value => email },
            )
            .map_err(|error| PageError::new(&state, error))?;
        return Ok((StatusCode::UNAUTHORIZED, html).into_response());
    };
    let id = start_session(&state, user.id)
        .await
        .map_err(|error| PageError::new(&state, error))?;
    Ok((
        [(SET_COOKIE, session_cookie(&id, state.config.secure_cookies))],
        Redirect::to("/contacts"),
    )
        .into_response())
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
    session
        .check_csrf(&form.csrf)
        .map_err(|error| PageError::new(&state, error))?;
    state
        .store
        .delete_session(&session.id_hash)
        .await
        .map_err(|error| PageError::new(&state, error))?;
    Ok((
        [(
            SET_COOKIE,
            clear_session_cookie(state.config.secure_cookies),
        )],
        Redirect::to("/login"),
    )
        .into_response())
}
