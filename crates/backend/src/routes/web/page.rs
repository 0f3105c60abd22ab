//! What every page shares: the logged-in context, and errors shown as a page.

use axum::response::{IntoResponse, Response};
use minijinja::context;

use crate::auth::WebSession;
use crate::error::ApiError;
use crate::store::StoreError;
use crate::templates;

/// The context every page shares: who is logged in, the CSRF token, the active tab.
pub(super) fn page_context(session: &WebSession, nav: &str) -> minijinja::Value {
    context! {
        email => session.email,
        csrf_token => session.csrf_token,
        nav => nav,
    }
}

/// An error shown as a page rather than JSON.
#[derive(Debug)]
pub struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        Self(error)
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        Self(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let Self(error) = self;
        if let ApiError::Internal(detail) = &error {
            tracing::error!(%detail, "page failed");
        }
        let status = error.status();
        let heading = match error {
            ApiError::NotFound => "Not found",
            ApiError::CsrfMismatch => "Form expired",
            _ => "Something went wrong",
        };
        let page = templates::render(
            "error.html",
            context! { status => status.as_u16(), heading => heading, message => error.to_string() },
        );
        match page {
            Ok(html) => (status, html).into_response(),
            Err(_) => (status, error.to_string()).into_response(),
        }
    }
}
