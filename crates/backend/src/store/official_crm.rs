//! Contacts' CRM Sync records and their Sales Navigator Profile Associations.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreResult;
use crate::ids::{ContactId, UserId};
use crate::official::associations::{AssociationOutcome, AssociationState, CrmRecordKey};

/// A contact's CRM record and what LinkedIn last said about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrmRecord {
    pub contact: ContactId,
    pub contact_name: String,
    pub key: CrmRecordKey,
    pub state: AssociationState,
    pub member: Option<String>,
    pub profile_url: Option<String>,
    pub photo_url: Option<String>,
    /// The contact's stored avatar: the page shows images from this backend only (CSP), so
    /// the photo shows once the avatar downloads have fetched it.
    pub avatar_hash: Option<String>,
    pub message: Option<String>,
    pub throttled: u32,
    pub checked_at: Option<DateTime<Utc>>,
    pub check_after: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait CrmRecordStore: Send + Sync + 'static {
    /// Sets (or replaces) a contact's CRM record, state pending; false if the user has no such
    /// contact.
    async fn set_crm_record(
        &self,
        user: UserId,
        contact: ContactId,
        key: &CrmRecordKey,
    ) -> StoreResult<bool>;
    /// The user's records, by contact name.
    async fn list_crm_records(&self, user: UserId) -> StoreResult<Vec<CrmRecord>>;
    /// One contact's record, for its page.
    async fn contact_crm_record(
        &self,
        user: UserId,
        contact: ContactId,
    ) -> StoreResult<Option<CrmRecord>>;
    /// Records to check, never-checked first: those without a set time (pending, or waiting
    /// for the user's fix) and those due again by `now`; at most `limit`.
    async fn due_crm_records(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<CrmRecord>>;
    async fn record_association(
        &self,
        user: UserId,
        contact: ContactId,
        outcome: &AssociationOutcome,
        checked_at: DateTime<Utc>,
    ) -> StoreResult<()>;
}
