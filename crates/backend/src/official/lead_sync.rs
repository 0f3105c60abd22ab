//! What a Lead Sync notification does: fetch the lead's answers, map them into a CRM lead
//! linked to a matching contact, once per lead.

use chrono::DateTime;

use super::client::{self, path_key};
use super::connection::access_token;
use super::error::OfficialError;
use super::leads::{
    LeadAction, LeadField, LeadFormResponse, LeadNotification, map_answers, public_identifier_of,
};
use crate::ids::UserId;
use crate::state::AppState;
use crate::store::{LinkedInApp, NewLead, WebhookEvent, WebhookOutcome};

/// The app a webhook call is for: the one its `app` parameter names (client id), else the only
/// app of this backend. `None` when neither picks one.
pub async fn webhook_app(
    state: &AppState,
    client_id: Option<&str>,
) -> Result<Option<(UserId, LinkedInApp)>, OfficialError> {
    if let Some(client_id) = client_id {
        return Ok(state.store.find_linkedin_app(client_id).await?);
    }
    let mut apps = state.store.first_linkedin_apps().await?;
    Ok(if apps.len() == 1 { apps.pop() } else { None })
}

/// Handles one verified notification and logs its outcome.
pub async fn handle_notification(
    state: &AppState,
    user: UserId,
    notification: &LeadNotification,
) -> Result<WebhookOutcome, OfficialError> {
    let outcome = match notification.action {
        LeadAction::Deleted => {
            state
                .store
                .delete_lead(user, &notification.response)
                .await?;
            WebhookOutcome::Deleted
        }
        LeadAction::Created => store_lead(state, user, notification).await?,
    };
    tracing::info!(
        %user,
        lead = notification.response.0,
        form = notification.form.0,
        outcome = outcome.name(),
        "LinkedIn lead notification"
    );
    let event = WebhookEvent {
        response_id: notification.response.0.clone(),
        form_id: notification.form.0.clone(),
        outcome: outcome.name().to_owned(),
        received_at: state.clock.now(),
    };
    state.store.record_webhook_event(user, &event).await?;
    Ok(outcome)
}

async fn store_lead(
    state: &AppState,
    user: UserId,
    notification: &LeadNotification,
) -> Result<WebhookOutcome, OfficialError> {
    // Replays are answered without calling LinkedIn again.
    if state
        .store
        .lead_exists(user, &notification.response)
        .await?
    {
        return Ok(WebhookOutcome::Replay);
    }
    let Some(mapping) = state
        .store
        .get_lead_form_mapping(user, &notification.form)
        .await?
    else {
        return Ok(WebhookOutcome::UnknownForm);
    };
    let token = access_token(state, user).await?;
    let path = format!(
        "/rest/leadFormResponses/{}",
        path_key(&notification.response.0)
    );
    let response: LeadFormResponse =
        client::get_json(&state.config.official, &token, &path).await?;
    let lead = map_answers(&response, &mapping);
    let profile = lead
        .field(LeadField::ProfileUrl)
        .and_then(public_identifier_of);
    let contact = state
        .store
        .find_contact_for_lead(user, lead.field(LeadField::Email), profile.as_deref())
        .await?;
    let now = state.clock.now();
    let new_lead = NewLead {
        user,
        response: &notification.response,
        form: &notification.form,
        contact,
        lead: &lead,
        submitter: response.submitter.as_deref(),
        test_lead: response.test_lead,
        submitted_at: DateTime::from_timestamp_millis(response.submitted_at).unwrap_or(now),
        created_at: now,
    };
    Ok(match state.store.insert_lead(&new_lead).await? {
        Some(_) => WebhookOutcome::Stored,
        // Another delivery of the same lead got there first.
        None => WebhookOutcome::Replay,
    })
}
