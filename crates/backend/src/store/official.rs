//! The official LinkedIn API's records: the user's app, its connection, lead forms and leads.
//! Secrets arrive sealed (see `crate::official::seal`): the store never sees them in clear.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreResult;
use crate::ids::{ContactId, UserId};
use crate::official::leads::{FieldMapping, LeadFormId, LeadResponseId, MappedLead};

/// A CRM lead's row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct LeadId(pub i64);

/// A user's LinkedIn app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedInApp {
    pub client_id: String,
    pub client_secret_sealed: String,
    pub scopes: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// The tokens of a connected app, sealed, with their ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialConnection {
    pub access_token_sealed: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token_sealed: Option<String>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub granted_scopes: Vec<String>,
    pub connected_at: DateTime<Utc>,
    pub refreshed_at: Option<DateTime<Utc>>,
    /// Why LinkedIn last refused to renew the tokens (`invalid_grant`…): the member must
    /// connect again. Cleared by a new grant.
    pub refresh_failure: Option<String>,
}

/// A lead to store.
#[derive(Debug, Clone)]
pub struct NewLead<'a> {
    pub user: UserId,
    pub response: &'a LeadResponseId,
    pub form: &'a LeadFormId,
    pub contact: Option<ContactId>,
    pub lead: &'a MappedLead,
    pub submitter: Option<&'a str>,
    pub test_lead: bool,
    pub submitted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// A stored lead, for the leads page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeadRecord {
    pub id: LeadId,
    pub response_id: String,
    pub form_id: String,
    pub contact: Option<ContactId>,
    pub fields: std::collections::BTreeMap<String, String>,
    pub answers: std::collections::BTreeMap<i64, String>,
    pub test_lead: bool,
    pub submitted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// What became of a webhook notification, logged in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookOutcome {
    Stored,
    /// The lead was stored already (LinkedIn may deliver a notification twice).
    Replay,
    /// No mapping in Settings for this form: nothing stored.
    UnknownForm,
    /// The member withdrew the lead; the CRM lead was deleted.
    Deleted,
}

impl WebhookOutcome {
    pub fn name(self) -> &'static str {
        match self {
            Self::Stored => "stored",
            Self::Replay => "replay",
            Self::UnknownForm => "unknown_form",
            Self::Deleted => "deleted",
        }
    }
}

/// A logged webhook notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookEvent {
    pub response_id: String,
    pub form_id: String,
    pub outcome: String,
    pub received_at: DateTime<Utc>,
}

/// The official LinkedIn API side (issue 13).
#[async_trait]
pub trait OfficialStore: Send + Sync + 'static {
    /// Creates or replaces the user's app; a client id another user registered is a conflict.
    /// A new client id drops the old app's connection.
    async fn save_linkedin_app(&self, user: UserId, app: &LinkedInApp) -> StoreResult<()>;
    async fn get_linkedin_app(&self, user: UserId) -> StoreResult<Option<LinkedInApp>>;
    /// The app with this client id and its user (webhooks name the app by client id).
    async fn find_linkedin_app(
        &self,
        client_id: &str,
    ) -> StoreResult<Option<(UserId, LinkedInApp)>>;
    /// Up to two apps, for a webhook that names none (answered only when one app exists).
    async fn first_linkedin_apps(&self) -> StoreResult<Vec<(UserId, LinkedInApp)>>;
    /// Deletes the app and its connection.
    async fn delete_linkedin_app(&self, user: UserId) -> StoreResult<()>;

    async fn insert_oauth_state(
        &self,
        state_hash: &str,
        user: UserId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Uses up a state: its user if it existed and had not expired.
    async fn take_oauth_state(
        &self,
        state_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserId>>;

    async fn save_official_connection(
        &self,
        user: UserId,
        connection: &OfficialConnection,
    ) -> StoreResult<()>;
    async fn get_official_connection(
        &self,
        user: UserId,
    ) -> StoreResult<Option<OfficialConnection>>;
    /// False if the user had no connection.
    async fn delete_official_connection(&self, user: UserId) -> StoreResult<bool>;

    async fn save_lead_form_mapping(
        &self,
        user: UserId,
        form: &LeadFormId,
        mapping: &FieldMapping,
    ) -> StoreResult<()>;
    async fn get_lead_form_mapping(
        &self,
        user: UserId,
        form: &LeadFormId,
    ) -> StoreResult<Option<FieldMapping>>;
    async fn list_lead_form_mappings(
        &self,
        user: UserId,
    ) -> StoreResult<Vec<(LeadFormId, FieldMapping)>>;

    async fn lead_exists(&self, user: UserId, response: &LeadResponseId) -> StoreResult<bool>;
    /// Stores a lead; `None` if it was stored already (idempotent by LinkedIn's lead id).
    async fn insert_lead(&self, lead: &NewLead<'_>) -> StoreResult<Option<LeadId>>;
    /// False if there was no such lead.
    async fn delete_lead(&self, user: UserId, response: &LeadResponseId) -> StoreResult<bool>;
    /// The user's leads, newest submission first.
    async fn list_leads(&self, user: UserId) -> StoreResult<Vec<LeadRecord>>;
    /// The user's contact with this email (any case) or public identifier.
    async fn find_contact_for_lead(
        &self,
        user: UserId,
        email: Option<&str>,
        public_identifier: Option<&str>,
    ) -> StoreResult<Option<ContactId>>;

    async fn record_webhook_event(&self, user: UserId, event: &WebhookEvent) -> StoreResult<()>;
    /// The user's latest notifications, newest first.
    async fn list_webhook_events(&self, user: UserId, limit: u32)
    -> StoreResult<Vec<WebhookEvent>>;
}
