//! LinkedIn app → Organisation posts: compose a post as one of the administered organisations
//! (text, an optional image, visibility) and the posts sent, with their state.

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::super::page::{PageError, page_context};
use crate::auth::{PageSession, WebSession};
use crate::error::ApiError;
use crate::official::error::OfficialError;
use crate::official::posting::{
    Draft, ImageDraft, VISIBILITIES, administered_organizations, publish,
};
use crate::state::AppState;
use crate::templates;

pub const PAGE: &str = "/settings/integrations/linkedin/app/posts";
/// One post's comments and reactions (`?post=<urn>`).
pub const POST_PAGE: &str = "/settings/integrations/linkedin/app/post";
/// Largest image accepted in the compose form.
pub const MAX_UPLOAD_BYTES: usize = 8 << 20;

async fn render(
    state: &AppState,
    session: &WebSession,
    extra: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (organizations, organizations_error) =
        match administered_organizations(state, session.user).await {
            Ok(organizations) => (organizations, None),
            Err(OfficialError::Store(error)) => return Err(error.into()),
            Err(error) => (Vec::new(), Some(error.to_string())),
        };
    let posts = state.store.list_posts(session.user, 50).await?;
    let html = templates::render(
        "official_posts.html",
        context! {
            ..page_context(session, "settings"),
            ..context! { organizations, organizations_error, posts, visibilities => VISIBILITIES },
            ..extra
        },
    )?;
    Ok((status, html).into_response())
}

#[derive(Deserialize)]
pub struct Notice {
    sent: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let notice = notice.sent.map(|sent| match sent.as_str() {
        "published" => "Posted on LinkedIn.",
        "throttled" => "LinkedIn throttled the app: the post was not sent; try again later.",
        _ => "LinkedIn refused the post: its answer is in the list.",
    });
    render(&state, &session, context! { notice }, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PostQuery {
    post: String,
}

/// A post's engagement, matched to contacts or not.
pub async fn post_page(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(query): Query<PostQuery>,
) -> Result<Response, PageError> {
    let engagements = state
        .store
        .post_engagements(session.user, &query.post)
        .await?;
    let html = templates::render(
        "official_post.html",
        context! {
            ..page_context(&session, "settings"),
            ..context! { post_urn => query.post, engagements }
        },
    )?;
    Ok(html.into_response())
}

/// The multipart compose form, read field by field.
async fn read_form(mut form: Multipart) -> Result<(String, Draft), ApiError> {
    let invalid = |error: axum::extract::multipart::MultipartError| {
        ApiError::InvalidRequest(format!("the form could not be read: {error}"))
    };
    let (mut csrf, mut image, mut alt_text) = (String::new(), None, String::new());
    let mut draft = Draft {
        organization: String::new(),
        commentary: String::new(),
        visibility: String::new(),
        image: None,
    };
    while let Some(field) = form.next_field().await.map_err(invalid)? {
        match field.name().unwrap_or_default() {
            "image" => {
                let bytes = field.bytes().await.map_err(invalid)?;
                image = Some(bytes).filter(|bytes| !bytes.is_empty());
            }
            name => {
                let name = name.to_owned();
                let text = field.text().await.map_err(invalid)?;
                match name.as_str() {
                    "csrf" => csrf = text,
                    "organization" => draft.organization = text,
                    "commentary" => draft.commentary = text,
                    "visibility" => draft.visibility = text,
                    "alt_text" => alt_text = text,
                    _ => {}
                }
            }
        }
    }
    draft.image = image.map(|bytes| ImageDraft { bytes, alt_text });
    Ok((csrf, draft))
}

pub async fn send(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    form: Multipart,
) -> Result<Response, PageError> {
    let (csrf, draft) = read_form(form).await?;
    session.check_csrf(&csrf)?;
    match publish(&state, session.user, draft).await {
        Ok(post) => Ok(Redirect::to(&format!("{PAGE}?sent={}", post.state)).into_response()),
        Err(OfficialError::Store(error)) => Err(error.into()),
        Err(error) => {
            let extra = context! { post_error => error.to_string() };
            render(&state, &session, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
