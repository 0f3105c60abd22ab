//! The store: everything the backend keeps, behind one trait.
//!
//! One SQL implementation ([`sql::SqlStore`]) runs on SQLite (always compiled) and on
//! PostgreSQL (cargo feature `postgres`); the dialect is chosen by the database URL given to [`sql::SqlStore::connect`], and the few
//! statements that differ (job claiming, full-text search) are picked per dialect. A backend
//! process keeps no state of its own: sessions, rate-limit counters, jobs and avatar bytes all
//! live here, so several processes can share one PostgreSQL.

mod api_keys;
mod attachments;
mod contact_merge;
mod fault;
pub mod import_match;
mod imports;
mod official;
mod official_crm;
mod official_engagement;
mod official_posts;
mod pages;
mod records;
pub mod sql;
mod views;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::ProfileUrn;
use ping_protocol::{AccountStatus, AvatarRequest, BackfillRequest, RunReport, SyncRequest};

pub use api_keys::*;
pub use attachments::*;
pub use imports::*;
pub use official::*;
pub use official_crm::*;
pub use official_engagement::*;
pub use official_posts::*;
pub use pages::*;
pub use records::*;
pub use views::*;

use crate::ids::{AvatarJobId, ContactId, ConversationId, TokenId, UserId};

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A natural key already exists (e.g. a second user with the same email).
    #[error("already exists: {0}")]
    Conflict(String),
    /// A stored value could not be read back (a bug or a hand-edited database).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// The database URL names a store this build cannot open.
    #[error("{0}")]
    Unsupported(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the backend stores. Every method that reads or writes a user's data takes the
/// owning [`UserId`] and never touches another user's rows.
pub trait Store:
    UserStore
    + PairingStore
    + RateLimitStore
    + IngestStore
    + LibraryStore
    + AvatarStore
    + RunStore
    + ImportStore
    + PageStore
    + ApiKeyStore
    + AttachmentStore
    + OfficialStore
    + CrmRecordStore
    + PostStore
    + EngagementStore
{
}

impl<T> Store for T where
    T: UserStore
        + PairingStore
        + RateLimitStore
        + IngestStore
        + LibraryStore
        + AvatarStore
        + RunStore
        + ImportStore
        + PageStore
        + ApiKeyStore
        + AttachmentStore
        + OfficialStore
        + CrmRecordStore
        + PostStore
        + EngagementStore
{
}

/// Attempts counted for rate limits (wrong pairing codes, codes issued, failed logins), kept in
/// the store so that every backend process sees the same count.
#[async_trait]
pub trait RateLimitStore: Send + Sync + 'static {
    /// Records one attempt under each key.
    async fn record_attempt(&self, keys: &[String], at: DateTime<Utc>) -> StoreResult<()>;
    /// Attempts under `key` after `since`.
    async fn count_attempts(&self, key: &str, since: DateTime<Utc>) -> StoreResult<u64>;
}

/// Users and web sessions.
#[async_trait]
pub trait UserStore: Send + Sync + 'static {
    async fn create_user(
        &self,
        email: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<UserId>;
    async fn count_users(&self) -> StoreResult<u64>;
    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>>;
    async fn create_session(&self, session: &NewSession) -> StoreResult<()>;
    async fn find_session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>>;
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;
    /// Remembers a browser that logged in as `user` until `expires_at` (only the hash of its
    /// id is kept): the per-account login limit spares it.
    async fn remember_device(
        &self,
        id_hash: &str,
        user: UserId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The user a remembered browser logged in as.
    async fn find_device(&self, id_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<UserId>>;
}

/// Pairing codes and extension tokens.
#[async_trait]
pub trait PairingStore: Send + Sync + 'static {
    async fn insert_pairing_code(&self, code: &PairingCodeRecord) -> StoreResult<()>;
    async fn find_pairing_code(&self, code: &str) -> StoreResult<Option<PairingCodeRecord>>;
    /// Attaches an extension-made code to a user; false if it was already paired or used.
    async fn pair_code(&self, code: &str, user: UserId, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Marks the code used and issues a token in one transaction; `None` if it was used already.
    async fn redeem_code(&self, code: &str, token: &NewToken) -> StoreResult<Option<TokenId>>;
    async fn find_token(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>>;
    async fn touch_token(&self, id: TokenId, now: DateTime<Utc>) -> StoreResult<()>;
    /// Revokes one of the user's tokens; false if the user has no such live token.
    async fn revoke_token(
        &self,
        user: UserId,
        id: TokenId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Replaces `old` by `new` in one transaction: `old` is revoked and remembers its
    /// successor (`sealed`: the new token sealed with the old one). If `old` was replaced
    /// already, nothing is issued and the successor it has is returned. Revoking the successor
    /// ends the old token's grace.
    async fn rotate_token(
        &self,
        old: TokenId,
        new: &NewToken,
        sealed: &str,
    ) -> StoreResult<Rotation>;
    async fn list_tokens(&self, user: UserId) -> StoreResult<Vec<TokenRecord>>;
    /// Deletes expired sessions, and pairing codes and failures that ended before
    /// `stale_before`: an expired code is kept a while so that it is refused as expired,
    /// not as unknown.
    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// What the extension pushes: batches, profiles, and what the backend asks back.
#[async_trait]
pub trait IngestStore: Send + Sync + 'static {
    /// Stores one push batch in one transaction; idempotent by URN. A record the database
    /// refuses (and any record hanging on it) is left out and listed in `refused`; the rest of
    /// the batch is stored.
    async fn ingest_batch(
        &self,
        user: UserId,
        batch: &IngestBatch,
        now: DateTime<Utc>,
    ) -> StoreResult<IngestCounts>;
    /// Up to `limit` contacts missing title, company or avatar whose profile was not looked up
    /// since `looked_up_before`. Naming them marks nothing: only a reported lookup
    /// ([`Self::note_profile_lookups`]) holds a contact back.
    async fn backfill_requests(
        &self,
        user: UserId,
        limit: u32,
        looked_up_before: DateTime<Utc>,
    ) -> StoreResult<Vec<BackfillRequest>>;
    /// The extension looked these members' profiles up at `now` (found or unavailable).
    async fn note_profile_lookups(
        &self,
        user: UserId,
        members: &[ProfileUrn],
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Avatars only the browser can fetch, not asked for since `asked_before`; marks them.
    /// Only URLs `fetchable` allows are handed out: the others are marked failed, never asked.
    async fn take_avatar_requests(
        &self,
        user: UserId,
        limit: u32,
        asked_before: DateTime<Utc>,
        now: DateTime<Utc>,
        fetchable: &(dyn for<'u> Fn(&'u str) -> bool + Send + Sync),
    ) -> StoreResult<Vec<AvatarRequest>>;
    /// Enriches the user's existing contacts with profiles (matched by URN, else public
    /// identifier); a profile of someone not in the CRM is counted unchanged and not stored.
    /// Each profile comes with its position in the push, for the ones the database refuses.
    async fn apply_profiles(
        &self,
        user: UserId,
        profiles: &[(usize, ContactUpsert)],
        now: DateTime<Utc>,
    ) -> StoreResult<ProfileCounts>;
}

/// Contacts and conversations, for the web UI and exports.
#[async_trait]
pub trait LibraryStore: Send + Sync + 'static {
    async fn list_contacts(&self, user: UserId) -> StoreResult<Vec<ContactSummary>>;
    /// Every contact of the user in full, by name (for exports).
    async fn export_contacts(&self, user: UserId) -> StoreResult<Vec<ContactRecord>>;
    async fn get_contact(&self, user: UserId, id: ContactId) -> StoreResult<Option<ContactRecord>>;
    async fn find_contact_by_urn(
        &self,
        user: UserId,
        urn: &str,
    ) -> StoreResult<Option<ContactRecord>>;
    /// Saves fields the user edited; they are never overwritten by sync afterwards.
    async fn edit_contact(
        &self,
        user: UserId,
        id: ContactId,
        edit: &ContactEdit,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn contact_conversations(
        &self,
        user: UserId,
        id: ContactId,
    ) -> StoreResult<Vec<ConversationView>>;
    async fn get_conversation(
        &self,
        user: UserId,
        id: ConversationId,
    ) -> StoreResult<Option<ConversationView>>;
    async fn all_conversations(&self, user: UserId) -> StoreResult<Vec<ConversationView>>;
    /// Messages whose words start with every word of `query`, newest first, `limit` of them
    /// older than `before`.
    async fn search_messages(
        &self,
        user: UserId,
        query: &str,
        before: Option<Cursor>,
        limit: u32,
    ) -> StoreResult<Page<SearchHit>>;
}

/// The avatar job queue and the image bytes.
#[async_trait]
pub trait AvatarStore: Send + Sync + 'static {
    async fn claim_avatar_job(
        &self,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<Option<AvatarJob>>;
    async fn finish_avatar_job(
        &self,
        id: AvatarJobId,
        outcome: &AvatarOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Stores bytes the extension uploaded for one of the user's contacts; false if none.
    async fn store_uploaded_avatar(
        &self,
        user: UserId,
        member: &ProfileUrn,
        image: &AvatarImage,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn get_avatar(&self, user: UserId, hash: &str) -> StoreResult<Option<AvatarImage>>;
}

/// Sync runs, account status and sync requests.
#[async_trait]
pub trait RunStore: Send + Sync + 'static {
    /// Stores a run report and marks the account's delivered sync requests done.
    async fn insert_run(
        &self,
        user: UserId,
        report: &RunReport,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn list_runs(&self, user: UserId, limit: u32) -> StoreResult<Vec<RunReport>>;
    /// Every LinkedIn account of the user with its counts, last run and pending request.
    async fn list_accounts(&self, user: UserId) -> StoreResult<Vec<AccountStatus>>;
    async fn get_sync_request(&self, user: UserId, id: &str) -> StoreResult<Option<SyncRequest>>;
    /// The account's pending (queued or delivered, not done) request, joined, or `request`
    /// stored as a new one when there is none; returns the request the caller now waits for.
    /// Joining a queued unforced request with a forced `request` makes it forced. Atomic per
    /// user: two simultaneous calls never both create one.
    async fn join_or_create_sync_request(
        &self,
        user: UserId,
        request: &SyncRequest,
    ) -> StoreResult<SyncRequest>;
    /// Hands the oldest queued request (of `account`, or any account) to the extension.
    async fn deliver_sync_request(
        &self,
        user: UserId,
        account: Option<&ProfileUrn>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SyncRequest>>;
}
