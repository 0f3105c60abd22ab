//! Imports of LinkedIn's own data export: what the importer hands the store, and the store's
//! side of it (one transaction per archive, the import history, and what the push answer says
//! about history the import covers).
//!
//! The export knows people by their public identifier (the `/in/<slug>` of a profile URL) and
//! conversations by their thread id (`2-…`), never by the member URNs the live sync keys on. So
//! imported contacts are keyed by slug until the live sync or a profile names their URN, and
//! imported conversations carry their thread id so a live push finds them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::ProfileUrn;
use ping_core::model::ConversationFolder;
use serde::{Deserialize, Serialize};

use super::StoreResult;
use crate::ids::UserId;

/// A person the export names, keyed by normalized slug.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedContact {
    /// Percent-decoded, lowercased public identifier.
    pub slug: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub connected_at: Option<DateTime<Utc>>,
}

/// A conversation of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedConversation {
    /// `CONVERSATION ID`, the thread part of the live URN.
    pub thread_id: String,
    pub title: Option<String>,
    /// `regular` or `sponsored`, as the live sync names kinds.
    pub kind: &'static str,
    pub group_chat: bool,
    /// From the messages' `FOLDER` column: the inbox unless one says archived or spam.
    pub folder: ConversationFolder,
    pub last_activity_at: DateTime<Utc>,
    /// The export's date: the conversation's history is complete up to here.
    pub covered_until: DateTime<Utc>,
    /// Slugs of the participants other than the owner.
    pub participants: Vec<String>,
}

/// Who sent an imported message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImportedSender {
    /// The mailbox owner.
    Owner,
    /// A member, by normalized slug.
    Member(String),
    /// No profile URL: a member who left LinkedIn, or an advertiser.
    Unknown,
}

/// A message of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMessage {
    pub sender: ImportedSender,
    /// `FROM` as written.
    pub from_name: String,
    /// Whole seconds, as the export has them.
    pub delivered_at: DateTime<Utc>,
    pub subject: Option<String>,
    pub body: String,
    pub attachments: Vec<String>,
    pub folder: Option<String>,
}

/// The LinkedIn account an import files its conversations under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportAccount {
    /// An account the extension has synced.
    Synced { profile: ProfileUrn, name: String },
    /// None synced yet: a stand-in that the first push of the real account takes over.
    StandIn { owner_slug: String },
}

/// Which account an import goes to, or why none could be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChoice {
    Chosen(ImportAccount),
    /// Several synced accounts, none matching the export's owner: the caller must choose.
    Ambiguous(Vec<String>),
    /// The account the caller chose is not one of the user's.
    Unknown(String),
}

/// A conversation as the import found or made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedConversationRow {
    pub id: i64,
    /// It was stored before this conversation's rows were read (live or an earlier import).
    pub existed: bool,
    /// Contacts this import added that turned out to be people the live sync knew (joined).
    pub joined: u64,
}

/// Whether an imported record was new or already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    Added,
    Matched,
}

/// What one conversation's messages did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportedMessages {
    pub added: u64,
    pub matched: u64,
    /// Contacts this import added that turned out to be people the live sync knew (joined).
    pub joined: u64,
}

/// The one transaction an archive is imported in. Dropping it without [`ImportWriter::commit`]
/// rolls everything back, so a failed import leaves nothing behind.
#[async_trait]
pub trait ImportWriter: Send {
    /// Picks the account: `chosen` if given, else the only synced account, else the one whose
    /// public identifier is `owner_slug`, else (none synced) a stand-in for `owner_slug`.
    async fn choose_account(
        &mut self,
        owner_slug: &str,
        chosen: Option<&ProfileUrn>,
    ) -> StoreResult<AccountChoice>;
    /// Adds a contact, or fills the empty fields of the one with this slug (fields the user
    /// edited stay as they are).
    async fn contact(&mut self, contact: &ImportedContact) -> StoreResult<Imported>;
    /// Finds the conversation by thread id (or makes it), marks its history complete up to the
    /// export's date and adds the participants (contacts already given to [`Self::contact`]).
    /// The export's folder is taken only by conversations no push has written: the live sync
    /// knows where a conversation is now.
    async fn conversation(
        &mut self,
        conversation: &ImportedConversation,
    ) -> StoreResult<(ImportedConversationRow, Imported)>;
    /// Stores the messages of a conversation that are not stored yet; a message matches a
    /// stored one by sender, time (to the second, ±1 s) and text.
    async fn messages(
        &mut self,
        conversation: ImportedConversationRow,
        thread_id: &str,
        messages: &[ImportedMessage],
    ) -> StoreResult<ImportedMessages>;
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

/// Where an import run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ImportState {
    Running,
    Done,
    Failed,
}

impl ImportState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
    pub fn parse(raw: &str) -> Self {
        match raw {
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Running,
        }
    }
}

/// One import run as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRecord {
    pub id: String,
    pub source: String,
    pub file_name: String,
    pub state: ImportState,
    /// The importer's summary, as JSON.
    pub summary_json: Option<String>,
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Imports and what they cover.
#[async_trait]
pub trait ImportStore: Send + Sync + 'static {
    /// Opens the write transaction of one archive import.
    async fn begin_import(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Box<dyn ImportWriter>>;
    /// Of these conversation URNs, those whose history an import covers and whose live-synced
    /// messages reach back into it (so no older page is missing between the two).
    async fn history_covered(&self, user: UserId, urns: &[String]) -> StoreResult<Vec<String>>;
    async fn insert_import(&self, user: UserId, record: &ImportRecord) -> StoreResult<()>;
    async fn finish_import(&self, user: UserId, record: &ImportRecord) -> StoreResult<()>;
    async fn list_imports(&self, user: UserId, limit: u32) -> StoreResult<Vec<ImportRecord>>;
    async fn get_import(&self, user: UserId, id: &str) -> StoreResult<Option<ImportRecord>>;
}
