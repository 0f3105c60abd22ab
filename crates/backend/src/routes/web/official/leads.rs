//! `/leads`: the CRM leads that came from LinkedIn Lead Gen Forms.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use minijinja::context;

use super::super::page::{PageError, page_context};
use crate::auth::PageSession;
use crate::state::AppState;
use crate::templates;

pub async fn page(
    State(state): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Response, PageError> {
    let leads = state.store.list_leads(session.user).await?;
    let html = templates::render(
        "official_leads.html",
        context! { ..page_context(&session, "leads"), ..context! { leads } },
    )?;
    Ok(html.into_response())
}
