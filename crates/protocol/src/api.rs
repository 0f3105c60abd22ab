//! Requests and responses of the backend API (`/api/v1/…`).

use chrono::{DateTime, Utc};
use ping_core::ids::{ConversationUrn, ProfileUrn};
use ping_core::model::{Account, Conversation, Message, Profile};
pub use ping_core::sync::attachments::{
    AttachmentDownloads, AttachmentRequest, AttachmentSkip, SkipReason,
};
pub use ping_core::sync::{RunOutcome, RunReport, SyncTrigger};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";

/// An error, in LinkedIn's own shape: `{"message", "status", "serviceErrorCode"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// What happened and what to do next, for a person.
    pub message: String,
    /// The HTTP status, repeated.
    pub status: u16,
    /// What went wrong, for the extension to act on (a token error means pair again).
    pub service_error_code: ErrorCode,
}

/// Stable machine-readable error codes. The extension tells token problems (re-pair) apart
/// from everything else by these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The extension token is past its 30 days: pair again.
    TokenExpired,
    /// The extension token was revoked in the web UI: pair again.
    TokenRevoked,
    /// No token, or one the backend never issued.
    TokenInvalid,
    /// No such pairing code (mistyped, or already used).
    PairingCodeUnknown,
    /// The pairing code is older than 10 minutes: ask for a new one.
    PairingCodeExpired,
    /// Too many wrong pairing codes: wait before trying again.
    RateLimited,
    /// The request body is not what the endpoint takes.
    InvalidRequest,
    /// Not logged in to the web UI, or the session expired.
    Unauthenticated,
    /// The thing does not exist, or belongs to another user.
    NotFound,
    /// An avatar the backend will not store (host, size or type).
    AvatarRefused,
    /// Something failed inside the backend; the details are in its log.
    Internal,
}

impl ErrorCode {
    /// Whether this error means the extension must pair again.
    pub fn requires_pairing(self) -> bool {
        matches!(
            self,
            Self::TokenExpired | Self::TokenRevoked | Self::TokenInvalid
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Pairing

/// `POST /api/v1/pairing/codes`: the extension asks for a code to show in its popup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PairingCodeRequest {
    /// How the paired browser is listed in the web UI, e.g. "Chrome on Linux".
    pub client_name: String,
}

/// The code to show, and the secret only the extension knows to collect the token with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PairingCodeResponse {
    /// `PING-` and 6 characters without look-alikes, e.g. `PING-X7K3M2`.
    pub code: String,
    /// The secret to poll with; the backend keeps only its hash, so someone who sees the code
    /// cannot collect the token.
    pub poll_secret: String,
    /// When the code stops working if nobody paired it (10 minutes after it was issued).
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/pairing/poll`: has the user entered the code in the web UI yet?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PairingPollRequest {
    /// The code the popup shows.
    pub code: String,
    /// The `pollSecret` handed out with the code.
    pub poll_secret: String,
}

/// The answer to a poll. The token is handed out once, on the first poll after pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    tag = "status",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    try_from = "crate::flat::PairingPollFields"
)]
// The JSON is the tagged enum's either way (crate::flat).
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum PairingPollResponse {
    /// Not paired yet: poll again.
    Pending {
        /// When the code stops working.
        expires_at: DateTime<Utc>,
    },
    /// The user paired the code in the web UI.
    Paired {
        /// The extension's token, handed out this once.
        token: ExtensionToken,
    },
    /// Nobody paired the code in time: ask for a new one.
    Expired,
}

/// `POST /api/v1/pairing/pair` (web UI, logged in): pair the code the popup shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PairRequest {
    /// The code the popup shows, as the user typed it.
    pub code: String,
}

/// `POST /api/v1/pairing/claim`: the popup enters a code the web UI showed (reverse direction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClaimRequest {
    /// The code the web UI shows, as the user typed it.
    pub code: String,
    /// How the paired browser is listed in the web UI, e.g. "Chrome on Linux".
    pub client_name: String,
}

/// A bearer token for the extension, valid 30 days; refreshable while still valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExtensionToken {
    /// The secret to send as `Authorization: Bearer <token>`; the backend keeps only its hash.
    pub token: String,
    /// When it stops working unless refreshed.
    pub expires_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// Sync push

/// `POST /api/v1/sync/push`: one bounded batch of a sync pass.
///
/// Generic so the backend can read the records as raw JSON first and accept or reject each on
/// its own ([`parse_records`]); the extension sends typed records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "PushBatch")
)]
#[serde(rename_all = "camelCase")]
pub struct PushBatch<C = Conversation, M = Message, D = ConversationUrn> {
    /// The sync run this batch belongs to.
    pub run_id: String,
    /// The mailbox owner; decides which messages are outbound.
    pub account: Account,
    /// Conversations with new activity on LinkedIn, with their participants (the CRM's contacts).
    pub conversations: Vec<C>,
    /// New messages of those conversations.
    pub messages: Vec<M>,
    /// Conversations LinkedIn reported deleted.
    // A path rather than plain `default`: serde would ask `D: Default` of the generic.
    #[serde(default = "Vec::<D>::new")]
    pub deleted_conversations: Vec<D>,
    /// Conversations whose older messages are still to come: the first sync brings each
    /// conversation's newest messages first and its history later, within LinkedIn's limits.
    #[serde(default = "Vec::<D>::new")]
    pub history_pending: Vec<D>,
    /// Conversations whose older messages have all come now.
    #[serde(default = "Vec::<D>::new")]
    pub history_complete: Vec<D>,
}

/// The query of `POST /api/v1/sync/push`: what the answer should ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushOptions {
    /// Which attachments the extension downloads (its options): the answer names only those,
    /// so that none the extension leaves is held back as asked. Absent: all.
    #[serde(default)]
    pub attachments: AttachmentDownloads,
}

impl PushOptions {
    /// The query string, without `?`.
    pub fn query(&self) -> String {
        let wanted = match self.attachments {
            AttachmentDownloads::All => "all",
            AttachmentDownloads::ImagesOnly => "imagesOnly",
            AttachmentDownloads::Off => "off",
        };
        format!("attachments={wanted}")
    }
}

/// The backend's view of a push batch as raw records (deleted conversations included).
pub type RawPushBatch = PushBatch<serde_json::Value, serde_json::Value, serde_json::Value>;

/// Which list a rejected record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum RecordKind {
    /// An entry of a push's `conversations`.
    Conversation,
    /// An entry of a push's `messages`.
    Message,
    /// An entry of a profiles push.
    Profile,
    /// An entry of a push's `deletedConversations`.
    DeletedConversation,
}

/// One record the backend did not store, and why. The rest of the batch is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RejectedRecord {
    /// Which list the record came from.
    pub kind: RecordKind,
    /// Position in its list.
    pub index: usize,
    /// The record's `urn` when it had a readable one.
    pub urn: Option<String>,
    /// Why it was not stored: what did not parse, or what the database refused.
    pub reason: String,
}

/// Reads each raw record on its own: the good ones with their index, and the bad ones rejected.
pub fn parse_records<T: DeserializeOwned>(
    kind: RecordKind,
    raw: Vec<serde_json::Value>,
) -> (Vec<(usize, T)>, Vec<RejectedRecord>) {
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for (index, value) in raw.into_iter().enumerate() {
        let urn = value
            .get("urn")
            .and_then(|urn| urn.as_str())
            .map(str::to_owned);
        match serde_json::from_value(value) {
            Ok(record) => accepted.push((index, record)),
            Err(error) => rejected.push(RejectedRecord {
                kind,
                index,
                urn,
                reason: error.to_string(),
            }),
        }
    }
    (accepted, rejected)
}

/// Counts of what one push changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushCounts {
    /// Records stored for the first time.
    pub created: u32,
    /// Records that changed (edits, recalls, new participants, read state).
    pub updated: u32,
    /// Records already stored exactly so: a repeated batch is all unchanged.
    pub unchanged: u32,
}

/// The backend's answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushResponse {
    /// What the batch did to the stored conversations.
    pub conversations: PushCounts,
    /// What the batch did to the stored messages.
    pub messages: PushCounts,
    /// Records not stored; the rest of the batch was.
    pub rejected: Vec<RejectedRecord>,
    /// Contacts missing a title, company or avatar: fetch their profiles and push them.
    pub backfill_needed: Vec<BackfillRequest>,
    /// Avatars the backend could not download itself: fetch the bytes and upload them.
    pub avatar_requests: Vec<AvatarRequest>,
    /// Conversations of this batch whose older history the backend already holds (imported
    /// from LinkedIn's data export and joined to what was synced live): do not page their
    /// older messages. Absent from backends that predate imports.
    #[serde(default)]
    pub history_covered: Vec<ConversationUrn>,
    /// Attachments of stored messages whose bytes the backend lacks, newest messages first:
    /// fetch them in the browser and upload them, or report why not. Absent from backends that
    /// predate attachment storage.
    #[serde(default)]
    pub attachment_requests: Vec<AttachmentRequest>,
}

/// A contact the backend wants a full profile for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct BackfillRequest {
    /// The contact's LinkedIn member URN, to look the profile up by.
    pub member: ProfileUrn,
    /// What the contact lacks.
    pub missing: Vec<MissingField>,
}

/// What a contact lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum MissingField {
    /// The title of the current position.
    Title,
    /// The current company.
    Company,
    /// A profile picture: none stored and no URL known.
    Avatar,
}

/// An avatar to fetch in the browser and upload to `POST /api/v1/avatars`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AvatarRequest {
    /// The contact the picture belongs to.
    pub member: ProfileUrn,
    /// The signed LinkedIn media URL to fetch, before it expires.
    pub url: String,
}

// ---------------------------------------------------------------------------------------------
// Profiles and avatars

/// Where a profile came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ProfileSource {
    /// Read from a profile page the user visited.
    PageVisit,
    /// Fetched through Voyager because the backend asked for it.
    Backfill,
}

/// `POST /api/v1/profiles`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "ProfilesPush")
)]
#[serde(rename_all = "camelCase")]
pub struct ProfilesPush<P = Profile> {
    /// A visited profile page, or a lookup the backend asked for.
    pub source: ProfileSource,
    /// When the extension read the profiles.
    pub captured_at: DateTime<Utc>,
    /// The profiles read; each updates the contact with the same member URN.
    pub profiles: Vec<P>,
    /// Members the backend asked about that LinkedIn has no profile for (hidden or gone).
    /// With the backfilled profiles, they are the lookups made: none is asked for again soon.
    #[serde(default)]
    pub unavailable: Vec<ProfileUrn>,
}

/// The backend's view of a profiles push as raw records.
pub type RawProfilesPush = ProfilesPush<serde_json::Value>;

/// The answer to a profiles push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProfilesResponse {
    /// What the push did to the stored contacts.
    pub profiles: PushCounts,
    /// Profiles not stored; the rest were.
    pub rejected: Vec<RejectedRecord>,
    /// Avatars of these contacts the backend could not download itself: fetch the bytes and
    /// upload them.
    pub avatar_requests: Vec<AvatarRequest>,
}

/// `POST /api/v1/avatars`: image bytes the extension fetched in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AvatarUpload {
    /// The contact the picture belongs to.
    pub member: ProfileUrn,
    /// The LinkedIn URL the bytes came from (checked against the media host allow-list).
    #[cfg_attr(feature = "schema", schemars(url))]
    pub source_url: String,
    /// The `Content-Type` LinkedIn served the picture with; must be an `image/` type.
    #[cfg_attr(feature = "schema", schemars(regex(pattern = r"^image/")))]
    pub content_type: String,
    /// Standard base64 of the image bytes.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub data_base64: String,
}

// ---------------------------------------------------------------------------------------------
// Attachments

/// The answer to an attachment upload: what the backend keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AttachmentStored {
    /// Lower-case hex SHA-256 of the bytes: the content address (the bytes are stored once).
    pub sha256: String,
    /// The size in bytes.
    pub byte_size: u64,
    /// The media type kept: the one sniffed from the bytes where it can be.
    pub media_type: String,
}

/// `POST /api/v1/attachments/skipped`: attachments the extension will not upload, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AttachmentsSkipped {
    /// One entry per attachment.
    pub skipped: Vec<AttachmentSkip>,
}

// ---------------------------------------------------------------------------------------------
// Runs, status and sync requests

/// `GET /api/v1/sync/status`: the state of every LinkedIn account of the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    /// The LinkedIn accounts the extension synced (not those only imported from a data export).
    pub accounts: Vec<AccountStatus>,
}

/// The sync state of one LinkedIn account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountStatus {
    /// The account owner's profile URN.
    pub account_id: ProfileUrn,
    /// The owner's name, as LinkedIn shows it.
    pub name: String,
    /// The report of the latest sync run, once there was one.
    pub last_run: Option<RunReport>,
    /// Conversations stored for the account, deleted ones left out.
    pub conversations: u64,
    /// Messages stored for the account.
    pub messages: u64,
    /// People and organisations met in the account's conversations.
    pub contacts: u64,
    /// A sync asked for in the web UI that has not finished yet.
    pub pending_request: Option<SyncRequest>,
}

/// `POST /api/v1/conversations/sync`: ask the extension to sync at its next contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncRequestCreate {
    /// The LinkedIn account to sync.
    pub account_id: ProfileUrn,
    /// Sync even inside the throttle window.
    #[serde(default)]
    pub force: bool,
}

/// A queued sync request (answered 202) and its state to poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncRequest {
    /// The request's id, to poll at `GET /api/v1/conversations/sync/{id}`.
    pub id: String,
    /// The LinkedIn account to sync.
    pub account_id: ProfileUrn,
    /// Sync even inside the throttle window.
    pub force: bool,
    /// Queued, picked up by the extension, or done.
    pub state: SyncRequestState,
    /// When the web UI asked.
    pub requested_at: DateTime<Utc>,
}

/// Where a sync request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum SyncRequestState {
    /// Waiting for the extension's next check-in.
    Queued,
    /// The extension picked it up.
    Delivered,
    /// A run of the account reported back after the extension picked it up.
    Done,
}

/// `POST /api/v1/extension/hello`: the extension checks in at every trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct HelloRequest {
    /// The mailbox the extension syncs, when known; only that account's requests are handed out
    /// then.
    pub account: Option<ProfileUrn>,
    /// The extension's version, from its manifest.
    pub extension_version: String,
}

/// What the backend wants from the extension now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct HelloResponse {
    /// When the token in use expires.
    pub token_expires_at: DateTime<Utc>,
    /// The token is in its last week by the backend's clock: refresh it now. Decided by the
    /// backend so a browser with a wrong clock neither refreshes early nor lets it lapse.
    pub refresh_due: bool,
    /// A sync the web UI asked for, now marked delivered.
    pub sync_requested: Option<SyncRequest>,
}
