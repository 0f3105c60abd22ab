//! Settings → Integrations → LinkedIn → LinkedIn app: the app's credentials and scopes, the
//! connection and its expiry, lead form mappings.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_SECURITY_POLICY;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::super::page::{PageError, page_context};
use super::super::settings::CsrfForm;
use super::APP_PAGE;
use crate::auth::{PageSession, WebSession};
use crate::ids::UserId;
use crate::official::connection::{self, AppForm, Callback};
use crate::official::error::OfficialError;
use crate::official::expiry::TokenHealth;
use crate::official::leads::{LeadFormId, format_mapping, parse_mapping};
use crate::official::scopes::{CHOICES, ENGAGEMENT};
use crate::routes::guard::CONTENT_SECURITY;
use crate::state::AppState;
use crate::store::StoreResult;
use crate::templates;

/// The reminder the main LinkedIn settings page shows: the connection's state when it needs
/// the user (ends within a week without refresh, or ended), else nothing.
pub async fn settings_reminder(state: &AppState, user: UserId) -> StoreResult<Option<TokenHealth>> {
    let now = state.clock.now();
    Ok(state
        .store
        .get_official_connection(user)
        .await?
        .map(|connection| connection::health(&connection, now))
        .filter(|health| !matches!(health, TokenHealth::Active { .. })))
}

async fn render(
    state: &AppState,
    session: &WebSession,
    extra: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let user = session.user;
    let official = &state.config.official;
    let app = state.store.get_linkedin_app(user).await?;
    // The background job renews due tokens; a page load does too, in case it has not run yet.
    let connection = match connection::fresh_connection(state, user).await {
        Ok(connection) => connection,
        Err(OfficialError::Store(error)) => return Err(error.into()),
        Err(error) => {
            tracing::warn!(%user, %error, "LinkedIn connection not refreshed");
            state.store.get_official_connection(user).await?
        }
    };
    let now = state.clock.now();
    let asked: Vec<String> = app
        .as_ref()
        .map(|app| app.scopes.clone())
        .unwrap_or_default();
    let scope_choices: Vec<Value> = CHOICES
        .iter()
        .map(|choice| {
            context! { name => choice.name, needed_for => choice.needed_for,
            checked => asked.iter().any(|scope| scope == choice.name) }
        })
        .collect();
    let connection = connection.map(|connection| {
        context! {
            health => connection::health(&connection, now),
            granted_scopes => connection.granted_scopes,
            connected_at => connection.connected_at,
            refreshed_at => connection.refreshed_at,
            access_expires_at => connection.access_expires_at,
            refresh_expires_at => connection.refresh_token_sealed.as_ref().and(connection.refresh_expires_at),
            refresh_failure => connection.refresh_failure,
        }
    });
    let mappings: Vec<Value> = state
        .store
        .list_lead_form_mappings(user)
        .await?
        .into_iter()
        .map(|(form, mapping)| context! { form_id => form.0, text => format_mapping(&mapping) })
        .collect();
    let events = state.store.list_webhook_events(user, 20).await?;
    let engagement_sync = state.store.get_engagement_sync(user).await?;
    let app = app.map(|app| {
        context! { client_id => app.client_id, webhook_url => official.webhook_url(&app.client_id) }
    });
    let html = templates::render(
        "official_app.html",
        context! {
            ..page_context(session, "settings"),
            ..context! {
                app, connection, scope_choices, mappings, events, engagement_sync,
                engagement_scope => ENGAGEMENT,
                redirect_uri => official.redirect_uri(),
                secrets_key_error => official.sealer.as_ref().err().map(ToString::to_string),
            },
            ..extra
        },
    )?;
    // Connect posts a form that redirects to LinkedIn's authorization page: the page's
    // `form-action` must allow the OAuth host, or the browser stops at the redirect.
    let csp = official.oauth_origin().map_or_else(
        || CONTENT_SECURITY.to_owned(),
        |origin| {
            CONTENT_SECURITY.replace(
                "form-action 'self'",
                &format!("form-action 'self' {origin}"),
            )
        },
    );
    Ok((status, [(CONTENT_SECURITY_POLICY, csp)], html).into_response())
}

#[derive(Deserialize)]
pub struct Notice {
    notice: Option<String>,
}

fn notice_text(notice: Option<&str>) -> Option<&'static str> {
    Some(match notice? {
        "saved" => "LinkedIn app saved. Click Connect to authorize it.",
        "connected" => "Connected to LinkedIn.",
        "disconnected" => "Disconnected: the tokens were deleted from Ping.",
        "deleted" => "LinkedIn app removed.",
        "form" => "Lead form mapping saved.",
        _ => return None,
    })
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let notice = notice_text(notice.notice.as_deref());
    render(&state, &session, context! { notice }, StatusCode::OK).await
}

/// Shows an error of the official side on the page (4xx), or the error page for a store fault.
async fn render_error(
    state: &AppState,
    session: &WebSession,
    error: OfficialError,
) -> Result<Response, PageError> {
    if let OfficialError::Store(error) = error {
        return Err(error.into());
    }
    let status = match error {
        OfficialError::OAuth(_) | OfficialError::Api(_) => StatusCode::BAD_GATEWAY,
        OfficialError::SecretsKey(_) | OfficialError::Unseal(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let extra = context! { app_error => error.to_string() };
    render(state, session, extra, status).await
}

fn done(notice: &str) -> Response {
    Redirect::to(&format!("{APP_PAGE}?notice={notice}")).into_response()
}

/// The app form: repeated `scope` fields, so it is read by hand (`Form` takes no lists).
pub async fn save(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    body: String,
) -> Result<Response, PageError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    };
    session.check_csrf(field("csrf"))?;
    let form = AppForm {
        client_id: field("client_id"),
        client_secret: field("client_secret"),
        scopes: fields
            .iter()
            .filter(|(key, _)| key == "scope")
            .map(|(_, value)| value.as_str())
            .collect(),
    };
    match connection::save_app(&state, session.user, &form).await {
        Ok(()) => Ok(done("saved")),
        Err(error) => render_error(&state, &session, error).await,
    }
}

pub async fn delete(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    state.store.delete_linkedin_app(session.user).await?;
    Ok(done("deleted"))
}

pub async fn connect(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    match connection::start_connect(&state, session.user).await {
        Ok(url) => Ok(Redirect::to(&url).into_response()),
        Err(error) => render_error(&state, &session, error).await,
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    state: String,
    code: Option<String>,
    error: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let callback = Callback {
        state: &query.state,
        code: query.code.as_deref(),
        error: query.error.as_deref(),
    };
    match connection::finish_connect(&state, session.user, &callback).await {
        Ok(()) => Ok(done("connected")),
        Err(error) => render_error(&state, &session, error).await,
    }
}

pub async fn disconnect(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    state.store.delete_official_connection(session.user).await?;
    Ok(done("disconnected"))
}

#[derive(Deserialize)]
pub struct LeadFormForm {
    csrf: String,
    form_id: String,
    mapping: String,
}

pub async fn save_form(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<LeadFormForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let form_id = form.form_id.trim();
    let invalid = |message: String| OfficialError::InvalidInput(message);
    let parsed = if form_id.is_empty() || !form_id.chars().all(|c| c.is_ascii_digit()) {
        Err(invalid(
            "enter the lead form's number (the 4311 of urn:li:leadGenForm:4311)".into(),
        ))
    } else {
        parse_mapping(&form.mapping).map_err(|error| invalid(error.to_string()))
    };
    match parsed {
        Ok(mapping) => {
            let form_id = LeadFormId(form_id.to_owned());
            state
                .store
                .save_lead_form_mapping(session.user, &form_id, &mapping)
                .await?;
            Ok(done("form"))
        }
        Err(error) => render_error(&state, &session, error).await,
    }
}
