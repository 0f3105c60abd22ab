//! Settings → Integrations → LinkedIn → LinkedIn app → CRM Sync: contacts' CRM records, and
//! the photo, Sales Navigator URL or state that Profile Associations gave each.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::super::page::{PageError, page_context};
use super::super::settings::CsrfForm;
use crate::auth::{PageSession, WebSession};
use crate::error::ApiError;
use crate::ids::ContactId;
use crate::official::associations::CrmRecordKey;
use crate::official::error::OfficialError;
use crate::official::profile_sync::{CheckCounts, check_associations};
use crate::state::AppState;
use crate::templates;

pub const PAGE: &str = "/settings/integrations/linkedin/app/crm-sync";

async fn render(
    state: &AppState,
    session: &WebSession,
    extra: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let records: Vec<Value> = state
        .store
        .list_crm_records(session.user)
        .await?
        .into_iter()
        .map(|record| {
            let explanation = record.state.explanation();
            context! { ..Value::from_serialize(&record), ..context! { explanation } }
        })
        .collect();
    let contacts = state.store.list_contacts(session.user).await?;
    let html = templates::render(
        "official_crm_sync.html",
        context! { ..page_context(session, "settings"), ..context! { records, contacts }, ..extra },
    )?;
    Ok((status, html).into_response())
}

#[derive(Deserialize)]
pub struct Notice {
    checked: Option<u32>,
    matched: Option<u32>,
    #[serde(default)]
    throttled: bool,
    saved: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let notice = match (notice.checked, notice.saved) {
        (Some(checked), _) => Some(format!(
            "Checked {checked} record{}, {} matched.{}",
            if checked == 1 { "" } else { "s" },
            notice.matched.unwrap_or(0),
            if notice.throttled {
                " LinkedIn throttled the app: the rest wait."
            } else {
                ""
            }
        )),
        (None, Some(_)) => Some("CRM record saved: click Check now.".to_owned()),
        (None, None) => None,
    };
    render(&state, &session, context! { notice }, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct RecordForm {
    csrf: String,
    contact_id: i64,
    partner: String,
    instance_id: String,
    record_id: String,
}

pub async fn save(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<RecordForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let key = CrmRecordKey {
        partner: form.partner.trim().to_owned(),
        instance_id: form.instance_id.trim().to_owned(),
        record_id: form.record_id.trim().to_owned(),
    };
    let saved = state
        .store
        .set_crm_record(session.user, ContactId(form.contact_id), &key)
        .await?;
    if !saved {
        return Err(ApiError::NotFound.into());
    }
    Ok(Redirect::to(&format!("{PAGE}?saved=1")).into_response())
}

pub async fn check(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    match check_associations(&state, session.user).await {
        Ok(CheckCounts {
            checked,
            matched,
            throttled,
        }) => Ok(Redirect::to(&format!(
            "{PAGE}?checked={checked}&matched={matched}&throttled={throttled}"
        ))
        .into_response()),
        Err(OfficialError::Store(error)) => Err(error.into()),
        Err(error) => {
            let extra = context! { check_error => error.to_string() };
            render(&state, &session, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
