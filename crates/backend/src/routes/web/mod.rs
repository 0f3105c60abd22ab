//! The web UI: server-rendered pages, forms with CSRF tokens, a little plain JS.

mod files;
mod login;
mod pages;
mod settings;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::context;

use crate::auth::WebSession;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(login::index))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/contacts", get(pages::contacts))
        .route(
            "/contacts/{id}",
            get(pages::contact).post(pages::edit_contact),
        )
        .route("/conversations/{id}", get(pages::conversation))
        .route("/search", get(pages::search))
        .route("/history", get(pages::history))
        .route("/settings/integrations/linkedin", get(settings::page))
        .route("/settings/integrations/linkedin/pair", post(settings::pair))
        .route(
            "/settings/integrations/linkedin/code",
            post(settings::show_code),
        )
        .route(
            "/settings/integrations/linkedin/tokens/{id}/revoke",
            post(settings::revoke),
        )
        .route(
            "/settings/integrations/linkedin/sync",
            post(settings::request_sync),
        )
        .route("/export/contacts.vcf", get(files::contacts_vcard))
        .route("/export/contacts.csv", get(files::contacts_csv))
        .route("/export/conversations.json", get(files::conversations_json))
        .route("/avatars/{hash}", get(files::avatar))
        .route("/static/style.css", get(files::stylesheet))
}

/// The context every page shares: who is logged in, the CSRF token, the active tab.
fn page_context(session: &WebSession, nav: &str) -> minijinja::Value {
    context! {
        email => session.email,
        csrf_token => session.csrf_token,
        nav => nav,
    }
}

/// An error shown as a page rather than JSON.
pub struct PageError {
    error: ApiError,
    state: AppState,
}

impl PageError {
    fn new(state: &AppState, error: impl Into<ApiError>) -> Self {
        Self {
            error: error.into(),
            state: state.clone(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self.error {
            tracing::error!(%detail, "page failed");
        }
        let status = self.error.status();
        let heading = match self.error {
            ApiError::NotFound => "Not found",
            ApiError::CsrfMismatch => "Form expired",
            _ => "Something went wrong",
        };
        let page = self.state.templates.render(
            "error.html",
            context! { status => status.as_u16(), heading => heading, message => self.error.to_string() },
        );
        match page {
            Ok(html) => (status, html).into_response(),
            Err(_) => (status, self.error.to_string()).into_response(),
        }
    }
}
