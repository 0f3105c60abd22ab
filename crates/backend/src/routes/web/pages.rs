//! Contacts, a contact's timeline, conversations, search and sync history.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{PageError, page_context};
use crate::auth::PageSession;
use crate::error::ApiError;
use crate::ids::{ContactId, ConversationId};
use crate::state::AppState;
use crate::store::ContactEdit;

type Page = Result<Html<String>, PageError>;

fn render(state: &AppState, name: &str, base: Value, extra: Value) -> Page {
    state
        .templates
        .render(name, context! { ..base, ..extra })
        .map_err(|error| PageError::new(state, error))
}

pub async fn contacts(State(state): State<AppState>, PageSession(session): PageSession) -> Page {
    let contacts = state
        .store
        .list_contacts(session.user)
        .await
        .map_err(|error| PageError::new(&state, error))?;
    render(
        &state,
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
    let fail = |error| PageError::new(&state, error);
    let contact = state
        .store
        .get_contact(session.user, ContactId(id))
        .await
        .map_err(fail)?
        .ok_or_else(|| PageError::new(&state, ApiError::NotFound))?;
    let conversations = state
        .store
        .contact_conversations(session.user, ContactId(id))
        .await
        .map_err(|error| PageError::new(&state, error))?;
    render(
        &state,
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

fn optional(value: String) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

pub async fn edit_contact(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Result<Response, PageError> {
    session
        .check_csrf(&form.csrf)
        .map_err(|error| PageError::new(&state, error))?;
    let name = form.display_name.trim().to_owned();
    if name.is_empty() {
        return Err(PageError::new(
            &state,
            ApiError::InvalidRequest("a contact needs a name".into()),
        ));
    }
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
        .await
        .map_err(|error| PageError::new(&state, error))?;
    if !found {
        return Err(PageError::new(&state, ApiError::NotFound));
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
        .await
        .map_err(|error| PageError::new(&state, error))?
        .ok_or_else(|| PageError::new(&state, ApiError::NotFound))?;
    render(
        &state,
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
            .await
            .map_err(|error| PageError::new(&state, error))?
    };
    render(
        &state,
        "search.html",
        page_context(&session, "search"),
        context! { query => query.q.trim(), hits },
    )
}

pub async fn history(State(state): State<AppState>, PageSession(session): PageSession) -> Page {
    let runs = state
        .store
        .list_runs(session.user, 200)
        .await
        .map_err(|error| PageError::new(&state, error))?;
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
        &state,
        "history.html",
        page_context(&session, "history"),
        context! { runs },
    )
}
