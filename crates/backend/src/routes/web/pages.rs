//! Contacts, a contact's timeline, conversations, search and sync history.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use ping_core::model::ConversationFolder;
use serde::Deserialize;

use super::attachments::items_by_message;
use super::page::{PageError, page_context};
use crate::auth::PageSession;
use crate::error::ApiError;
use crate::ids::{ContactId, ConversationId};
use crate::official::associations::AssociationState;
use crate::state::AppState;
use crate::store::{ContactEdit, Cursor};
use crate::templates;

type Page = Result<Html<String>, PageError>;

fn render(name: &str, base: Value, extra: Value) -> Page {
    Ok(templates::render(name, context! { ..base, ..extra })?)
}

/// Rows per page of the contacts list and of a timeline.
pub const PAGE_SIZE: u32 = 50;
/// Participants a conversation page names (a group may have thousands).
const PARTICIPANTS_SHOWN: u32 = 100;
/// Conversations named at the top of a contact's page.
const CONVERSATIONS_SHOWN: u32 = 20;

/// Where a page starts: `?after=` (lists) or `?before=` (timelines), from an "Older" link.
#[derive(Deserialize)]
pub struct PageQuery {
    after: Option<String>,
    before: Option<String>,
}

/// The conversations list's filter (`?folder=archived`; none: every folder) and where the
/// page starts.
#[derive(Deserialize)]
pub struct ConversationsQuery {
    folder: Option<String>,
    after: Option<String>,
}

/// The conversations list: a tab per folder with its count (empty folders only when chosen),
/// newest activity first, 50 a page.
pub async fn conversations(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(query): Query<ConversationsQuery>,
) -> Page {
    let folder = match query.folder.as_deref() {
        None | Some("") => None,
        Some(name) => Some(ConversationFolder::parse(name).ok_or(ApiError::NotFound)?),
    };
    let after = query.after.as_deref().and_then(Cursor::parse);
    let counts = state.store.folder_counts(session.user).await?;
    let conversations = state
        .store
        .conversations_page(session.user, folder, after, PAGE_SIZE)
        .await?;
    let tabs: Vec<Value> = counts
        .iter()
        .filter(|entry| entry.count > 0 || Some(entry.folder) == folder)
        .map(|entry| {
            context! {
                folder => entry.folder,
                count => entry.count,
                current => Some(entry.folder) == folder,
            }
        })
        .collect();
    let total: u64 = counts.iter().map(|entry| entry.count).sum();
    render(
        "conversations.html",
        page_context(&session, "conversations"),
        context! {
            tabs,
            total,
            folder,
            conversations => conversations.items,
            older => conversations.older,
            paged => after.is_some(),
        },
    )
}

pub async fn contacts(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(query): Query<PageQuery>,
) -> Page {
    let after = query.after.as_deref().and_then(Cursor::parse);
    let contacts = state
        .store
        .contacts_page(session.user, after, PAGE_SIZE)
        .await?;
    render(
        "contacts.html",
        page_context(&session, "contacts"),
        context! { contacts => contacts.items, older => contacts.older, paged => after.is_some() },
    )
}

pub async fn contact(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Page {
    let contact = state
        .store
        .get_contact(session.user, ContactId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let conversations = state
        .store
        .contact_conversation_heads(session.user, ContactId(id), CONVERSATIONS_SHOWN)
        .await?;
    let before = query.before.as_deref().and_then(Cursor::parse);
    let timeline = state
        .store
        .contact_timeline(session.user, ContactId(id), before, PAGE_SIZE)
        .await?;
    let engagements = state
        .store
        .contact_engagements(session.user, ContactId(id))
        .await?;
    // What Sales Navigator's Profile Associations matched (its photo became the avatar).
    let sales_navigator = state
        .store
        .contact_crm_record(session.user, ContactId(id))
        .await?
        .filter(|record| record.state == AssociationState::Matched);
    render(
        "contact.html",
        page_context(&session, "contacts"),
        context! {
            contact, conversations, engagements, sales_navigator,
            messages => timeline.items, older => timeline.older,
        },
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
    Query(query): Query<PageQuery>,
) -> Page {
    let before = query.before.as_deref().and_then(Cursor::parse);
    let conversation = state
        .store
        .conversation_page(
            session.user,
            ConversationId(id),
            before,
            PAGE_SIZE,
            PARTICIPANTS_SHOWN,
        )
        .await?
        .ok_or(ApiError::NotFound)?;
    let attachments = state
        .store
        .conversation_attachments(session.user, ConversationId(id))
        .await?;
    let attachments = items_by_message(&attachments);
    render(
        "conversation.html",
        page_context(&session, "conversations"),
        context! { conversation, attachments },
    )
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    /// Where the page starts, from an "Older matches" link.
    before: Option<String>,
}

/// The matches a search page shows, newest first.
const SEARCH_HITS: u32 = 100;

pub async fn search(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(query): Query<SearchQuery>,
) -> Page {
    let words = query.q.trim();
    let before = query.before.as_deref().and_then(Cursor::parse);
    let (hits, older) = if words.is_empty() {
        (Vec::new(), None)
    } else {
        let page = state
            .store
            .search_messages(session.user, words, before, SEARCH_HITS)
            .await?;
        (page.items, page.older)
    };
    render(
        "search.html",
        page_context(&session, "search"),
        context! { query => words, hits, older, paged => before.is_some() },
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
