//! Contacts, a contact's timeline, conversations, search and sync history.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::page::{PageError, page_context};
use crate::auth::PageSession;
use crate::error::ApiError;
use crate::ids::{ContactId, ConversationId};
use crate::state::AppState;
use crate::store::ContactEdit;
use crate::templates;

type Page = Result<Html<String>, PageError>;

fn render(name: &str, base: Value, extra: Value) -> Page {
    Ok(templates::render(name, context! { ..base, ..extra })?)
}

pub async fn contacts(State(state): State<AppState>, PageSession(session): PageSession) -> Page {
    let contacts = state.store.list_contacts(session.user).await?;
    render(
        "contacts.html",
        page_context(&session, "contacts"),
        context! { contacts },
    )
}

pub async fn contact(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<i64>,
) -> Page {
    let contact = state
        .store
        .get_contact(session.user, ContactId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let conversations = state
        .store
        .contact_conversations(session.user, ContactId(id))
        .await?;
    render(
        "contact.html",
        page_context(&session, "contacts"),
        context! { contact, conversations },
    )
}

#[derive(Deserialize)]
pub struct EditForm {
    csrf: String,
    display_name: String,
    title: String,
    company: String,
    location: String,
    notes: String,
}

/// A form field as kept: trimmed, without NUL (which PostgreSQL refuses); empty is none.
fn optional(value: String) -> Option<String> {
    let trimmed = value.replace('\0', "");
    let trimmed = trimmed.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

pub async fn edit_contact(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let Some(name) = optional(form.display_name) else {
        return Err(ApiError::InvalidRequest("a contact needs a name".into()).into());
    };
    let edit = ContactEdit {
        display_name: name,
        title: optional(form.title),
        company: optional(form.company),
        location: optional(form.location),
        notes: optional(form.notes),
    };
    let found = state
        .store
        .edit_contact(session.user, ContactId(id), &edit, state.clock.now())
        .await?;
    if !found {
        return Err(ApiError::NotFound.into());
    }
    Ok(Redirect::to(&format!("/contacts/{id}")).into_response())
}

pub async fn conversation(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<i64>,
) -> Page {
    let conversation = state
        .store
        .get_conversation(session.user, ConversationId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    render(
        "conversation.html",
        page_context(&session, "contacts"),
        context! { conversation },
    )
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn search(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(query): Query<SearchQuery>,
) -> Page {
    let hits = if query.q.trim().is_empty() {
        Vec::new()
    } else {
        state
            .store
            .search_messages(session.user, &query.q, 100)
            .await?
    };
    render(
        "search.html",
        page_context(&session, "search"),
        context! { query => query.q.trim(), hits },
    )
}

pub async fn history(State(state): State<AppState>, PageSession(session): PageSession) -> Page {
    let runs = state.store.list_runs(session.user, 200).await?;
    let runs: Vec<serde_json::Value> = runs
        .iter()
        .map(|run| {
            let mut value = serde_json::to_value(run).unwrap_or_default();
            let seconds = (run.finished_at - run.started_at).num_seconds().max(0);
            value["duration"] = format!("{}m {:02}s", seconds / 60, seconds % 60).into();
            value
        })
        .collect();
    render(
        "history.html",
        page_context(&session, "history"),
        context! { runs },
    )
}
