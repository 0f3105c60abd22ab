//! API keys for other programs, and what their API reads besides the sync requests.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_protocol::RunReport;

use super::StoreResult;
use crate::ids::{ApiKeyId, UserId};

/// A key as stored: its hash, never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: ApiKeyId,
    pub user: UserId,
    pub name: String,
    /// The key's first characters, for the user to tell keys apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key to store.
#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    pub user: UserId,
    pub name: &'a str,
    pub key_hash: &'a str,
    pub prefix: &'a str,
    pub created_at: DateTime<Utc>,
}

/// API keys (`Authorization: Bearer` on `/api/v1/linkedin/…`) and the run that finished a sync
/// request.
#[async_trait]
pub trait ApiKeyStore: Send + Sync + 'static {
    async fn create_api_key(&self, key: &NewApiKey<'_>) -> StoreResult<ApiKeyId>;
    /// The key with this hash, revoked or not.
    async fn find_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>>;
    async fn touch_api_key(&self, id: ApiKeyId, now: DateTime<Utc>) -> StoreResult<()>;
    /// The user's live keys, newest first.
    async fn list_api_keys(&self, user: UserId) -> StoreResult<Vec<ApiKeyRecord>>;
    /// Revokes one of the user's keys; false if the user has no such live key.
    async fn revoke_api_key(
        &self,
        user: UserId,
        id: ApiKeyId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The report of the run that finished the user's sync request `id`, once one did.
    async fn finished_run(&self, user: UserId, request_id: &str) -> StoreResult<Option<RunReport>>;
}
