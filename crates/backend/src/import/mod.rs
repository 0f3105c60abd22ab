//! Import of LinkedIn's own data export ("Get a copy of your data": a ZIP of CSV files),
//! deduplicated against what the live sync stored and will store.
//!
//! Two passes over the archive, both streaming: the first ([`scan`]) reads and checks every
//! row without writing, so a malformed file fails with nothing stored; the second reads the
//! rows again on a blocking thread and hands them, one conversation at a time through a bounded
//! channel, to the store's single import transaction ([`crate::store::ImportWriter`]). Memory
//! grows with the number of people and the longest conversation, not with the archive.
//!
//! Conversations are matched by thread id, messages by sender, second and text, contacts by
//! public identifier (and joined to the live sync's member URNs as soon as something proves
//! who they are). Importing twice changes nothing; nothing is overwritten that the user
//! edited, and nothing is deleted. Each imported conversation is marked history-complete up
//! to the export's date, which the push answer reports as `historyCovered`.

mod covered;
mod export;
pub mod jobs;
mod scan;
mod table;
mod text;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ping_core::ids::ProfileUrn;
use ping_core::model::ConversationFolder;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

pub use self::covered::{history_covered, pending_history};
use self::export::{ExportConnection, ExportMessage, MESSAGE_COLUMNS, connection, message, table};
use self::scan::Scan;
use crate::ids::UserId;
use crate::store::import_match::ProfileKey;
use crate::store::{
    AccountChoice, ImportAccount, ImportWriter, Imported, ImportedContact, ImportedConversation,
    ImportedMessage, ImportedSender, Store, StoreError,
};

/// Why an archive was not imported. Nothing of it was stored.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("this file is not a ZIP archive ({0}): upload the ZIP LinkedIn sent")]
    NotZip(String),
    #[error(
        "the archive has neither messages.csv nor Connections.csv: is it LinkedIn's data export \
         (Settings → Data privacy → Get a copy of your data)?"
    )]
    NotAnExport,
    #[error("{file}{}: {detail}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Malformed {
        file: String,
        line: Option<u64>,
        detail: String,
    },
    #[error("reading {file}: {detail}")]
    Io { file: String, detail: String },
    #[error("{0}")]
    Account(String),
    #[error("storing the import failed: {0}")]
    Store(#[from] StoreError),
}

impl ImportError {
    fn malformed(file: &str, line: Option<u64>, detail: impl Into<String>) -> Self {
        Self::Malformed {
            file: file.to_owned(),
            line,
            detail: detail.into(),
        }
    }

    fn io(file: &str, error: impl std::fmt::Display) -> Self {
        Self::Io {
            file: file.to_owned(),
            detail: error.to_string(),
        }
    }

    fn csv(file: &str, preamble_lines: u64, error: &csv::Error) -> Self {
        let line = error.position().map(|p| p.line() + preamble_lines);
        let detail = match error.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("the row has {len} fields where the header has {expected_len}"),
            csv::ErrorKind::Io(error) => format!("the file cannot be read: {error}"),
            _ => error.to_string(),
        };
        Self::malformed(file, line, detail)
    }
}

/// New and already-stored counts of one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub added: u64,
    pub matched: u64,
    pub skipped: u64,
}

/// Records left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// `message` or `contact`.
    pub what: String,
    pub reason: String,
    pub count: u64,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Where the conversations were filed, as a sentence: an account, or that they wait for
    /// the extension's first sync of it.
    pub account: String,
    /// The export owner's public identifier.
    pub owner: String,
    /// The export's date: imported conversations are history-complete up to here.
    pub covered_until: Option<DateTime<Utc>>,
    pub conversations: Tally,
    pub messages: Tally,
    pub contacts: Tally,
    pub skipped: Vec<Skipped>,
    /// The archive entries read.
    pub files: Vec<String>,
}

impl ImportSummary {
    fn skip(&mut self, what: &str, reason: &str) {
        match what {
            "message" => self.messages.skipped += 1,
            _ => self.contacts.skipped += 1,
        }
        match self
            .skipped
            .iter_mut()
            .find(|s| s.what == what && s.reason == reason)
        {
            Some(found) => found.count += 1,
            None => self.skipped.push(Skipped {
                what: what.to_owned(),
                reason: reason.to_owned(),
                count: 1,
            }),
        }
    }

    fn tally(tally: &mut Tally, imported: Imported) {
        match imported {
            Imported::Added => tally.added += 1,
            Imported::Matched => tally.matched += 1,
        }
    }
}

/// Where a running import is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// `checking` (first pass) or `writing`.
    pub phase: &'static str,
    pub messages_done: u64,
    pub messages_total: u64,
}

/// Called as an import advances.
pub type ProgressFn = Arc<dyn Fn(ImportProgress) + Send + Sync>;

/// What the import is asked to do besides reading the archive.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The LinkedIn account to file the conversations under, when the user has several.
    pub account: Option<ProfileUrn>,
}

/// What the reading thread hands the writer.
enum Item {
    Connection(ExportConnection),
    Conversation(Vec<ExportMessage>),
    Failed(ImportError),
}

const SKIP_DRAFT: &str = "a draft, never sent";
const SKIP_NO_URL: &str =
    "no profile URL (hidden or closed profile, or an export from before 2023)";
const SKIP_OWNER: &str = "the export's owner (you)";
const SKIP_MEMBER_ID: &str = "a profile URL with a member id instead of a public identifier";

/// Imports the archive at `path` for `user` in one transaction.
pub async fn import_linkedin_archive(
    store: &dyn Store,
    user: UserId,
    path: &Path,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: ProgressFn,
) -> Result<ImportSummary, ImportError> {
    progress(ImportProgress {
        phase: "checking",
        ..ImportProgress::default()
    });
    let owned = path.to_owned();
    let scan = tokio::task::spawn_blocking(move || scan::scan(&owned))
        .await
        .map_err(|error| ImportError::io("the archive", error))??;
    let mut writer = store.begin_import(user, now).await?;
    let mut summary = ImportSummary {
        owner: scan.owner.clone(),
        covered_until: scan.newest,
        files: [
            &scan.entries.messages,
            &scan.entries.connections,
            &scan.entries.invitations,
            &scan.entries.profile,
        ]
        .into_iter()
        .flatten()
        .map(|(_, name)| name.clone())
        .collect(),
        ..ImportSummary::default()
    };
    summary.account = match writer
        .choose_account(&scan.owner, options.account.as_ref())
        .await?
    {
        AccountChoice::Chosen(ImportAccount::Synced { profile, name }) => {
            format!("Filed under your LinkedIn account {name} ({profile})")
        }
        AccountChoice::Chosen(ImportAccount::StandIn { owner_slug }) => {
            format!(
                "Filed under the LinkedIn account {owner_slug}, waiting for the extension's \
                 first sync of it"
            )
        }
        AccountChoice::Ambiguous(names) => {
            return Err(ImportError::Account(format!(
                "you have several LinkedIn accounts and none is the export's owner ({}): choose \
                 one of {}",
                scan.owner,
                names.join(", ")
            )));
        }
        AccountChoice::Unknown(urn) => {
            return Err(ImportError::Account(format!(
                "{urn} is not one of your LinkedIn accounts"
            )));
        }
    };

    let (sender, mut items) = mpsc::channel(4);
    let reading = {
        let path = path.to_owned();
        let entries = scan.entries.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(error) = read_rows(&path, &entries, &sender) {
                let _ = sender.blocking_send(Item::Failed(error));
            }
        })
    };
    let mut state = Writing {
        writer: &mut *writer,
        scan: &scan,
        summary: &mut summary,
        given: HashSet::new(),
        threads: HashSet::new(),
        done: 0,
        progress,
    };
    while let Some(item) = items.recv().await {
        match item {
            Item::Connection(row) => state.connection(row).await?,
            Item::Conversation(rows) => state.conversation(rows).await?,
            Item::Failed(error) => return Err(error),
        }
    }
    reading
        .await
        .map_err(|error| ImportError::io("the archive", error))?;
    writer.commit().await?;
    Ok(summary)
}

/// The second pass: Connections first (so people get their full names and positions), then
/// messages.csv one conversation (a run of rows with one CONVERSATION ID) at a time.
fn read_rows(
    path: &Path,
    entries: &export::Entries,
    sender: &mpsc::Sender<Item>,
) -> Result<(), ImportError> {
    let mut archive = export::open_zip(path)?;
    let send = |item| sender.blocking_send(item).is_ok();
    if let Some(entry) = &entries.connections {
        let mut rows = table(&mut archive, entry, &["first name"])?;
        while let Some(row) = rows.next_row()? {
            if !send(Item::Connection(connection(&row))) {
                return Ok(());
            }
        }
    }
    let Some(entry) = &entries.messages else {
        return Ok(());
    };
    let mut rows = table(&mut archive, entry, &["conversation id"])?;
    rows.require(&MESSAGE_COLUMNS)?;
    let file = rows.file().to_owned();
    let mut group: Vec<ExportMessage> = Vec::new();
    while let Some(row) = rows.next_row()? {
        let message = message(&file, &row)?;
        if group
            .first()
            .is_some_and(|first| first.conversation_id != message.conversation_id)
            && !send(Item::Conversation(std::mem::take(&mut group)))
        {
            return Ok(());
        }
        group.push(message);
    }
    if !group.is_empty() {
        send(Item::Conversation(group));
    }
    Ok(())
}

/// The writing side of an import.
struct Writing<'a> {
    writer: &'a mut dyn ImportWriter,
    scan: &'a Scan,
    summary: &'a mut ImportSummary,
    /// Slugs given to the store in this import (each person counted once).
    given: HashSet<String>,
    /// Thread ids seen in this import (each conversation counted once).
    threads: HashSet<String>,
    done: u64,
    progress: ProgressFn,
}

impl Writing<'_> {
    async fn connection(&mut self, row: ExportConnection) -> Result<(), ImportError> {
        let slug = match row.profile {
            Some(ProfileKey::Slug(slug)) => slug,
            Some(ProfileKey::Member(_)) => {
                self.summary.skip("contact", SKIP_MEMBER_ID);
                return Ok(());
            }
            None => {
                self.summary.skip("contact", SKIP_NO_URL);
                return Ok(());
            }
        };
        if slug == self.scan.owner {
            self.summary.skip("contact", SKIP_OWNER);
            return Ok(());
        }
        if !self.given.insert(slug.clone()) {
            return Ok(());
        }
        let display_name = [row.first_name.as_deref(), row.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let contact = ImportedContact {
            display_name: if display_name.is_empty() {
                slug.clone()
            } else {
                display_name
            },
            slug,
            first_name: row.first_name,
            last_name: row.last_name,
            title: row.position,
            company: row.company,
            email: row.email,
            connected_at: row.connected_at,
        };
        let imported = self.writer.contact(&contact).await?;
        ImportSummary::tally(&mut self.summary.contacts, imported);
        Ok(())
    }

    /// A person named in a conversation, given to the store once.
    async fn participant(&mut self, slug: &str, name: Option<&str>) -> Result<(), ImportError> {
        if slug == self.scan.owner || !self.given.insert(slug.to_owned()) {
            return Ok(());
        }
        let display_name = self
            .scan
            .names
            .get(slug)
            .map(String::as_str)
            .or(name)
            .unwrap_or(slug)
            .to_owned();
        let contact = ImportedContact {
            slug: slug.to_owned(),
            display_name,
            ..ImportedContact::default()
        };
        let imported = self.writer.contact(&contact).await?;
        ImportSummary::tally(&mut self.summary.contacts, imported);
        Ok(())
    }

    async fn conversation(&mut self, rows: Vec<ExportMessage>) -> Result<(), ImportError> {
        let total = rows.len() as u64;
        let mut participants = BTreeMap::new();
        for row in &rows {
            // Names pair with URLs only when TO has as many as RECIPIENT PROFILE URLS.
            let named = row.to_names.len() == row.recipients.len();
            let recipients = row
                .recipients
                .iter()
                .enumerate()
                .map(|(i, key)| (key, named.then(|| row.to_names[i].clone())));
            let sender = row.sender.iter().map(|key| (key, Some(row.from.clone())));
            for (key, name) in sender.chain(recipients) {
                if let ProfileKey::Slug(slug) = key
                    && *slug != self.scan.owner
                {
                    participants.entry(slug.clone()).or_insert(name);
                }
            }
        }
        for (slug, name) in &participants {
            self.participant(slug, name.as_deref()).await?;
        }
        let sent: Vec<&ExportMessage> = rows.iter().filter(|row| !row.draft).collect();
        for _ in sent.len()..rows.len() {
            self.summary.skip("message", SKIP_DRAFT);
        }
        let (Some(first), Some(newest)) = (sent.first(), sent.iter().map(|r| r.date).max()) else {
            self.advance(total);
            return Ok(());
        };
        let thread_id = first.conversation_id.clone();
        let sponsored = sent.iter().any(|row| row.sender.is_none() && row.html);
        let conversation = ImportedConversation {
            thread_id: thread_id.clone(),
            title: sent.iter().find_map(|row| row.title.clone()),
            kind: if sponsored { "sponsored" } else { "regular" },
            group_chat: participants.len() > 1,
            folder: ConversationFolder::from_labels(
                sent.iter().filter_map(|r| r.folder.as_deref()),
            ),
            last_activity_at: newest,
            covered_until: self.scan.newest.unwrap_or(newest),
            participants: participants.into_keys().collect(),
        };
        let (row, imported) = self.writer.conversation(&conversation).await?;
        self.joined(row.joined);
        if self.threads.insert(thread_id.clone()) {
            ImportSummary::tally(&mut self.summary.conversations, imported);
        }
        let messages: Vec<ImportedMessage> = sent
            .iter()
            .map(|row| ImportedMessage {
                sender: match &row.sender {
                    Some(ProfileKey::Slug(slug)) if *slug == self.scan.owner => {
                        ImportedSender::Owner
                    }
                    Some(ProfileKey::Slug(slug)) => ImportedSender::Member(slug.clone()),
                    _ => ImportedSender::Unknown,
                },
                from_name: row.from.clone(),
                delivered_at: row.date,
                subject: row.subject.clone(),
                body: row.content.clone(),
                attachments: row.attachments.clone(),
                folder: row.folder.clone(),
            })
            .collect();
        let counts = self.writer.messages(row, &thread_id, &messages).await?;
        self.summary.messages.added += counts.added;
        self.summary.messages.matched += counts.matched;
        self.joined(counts.joined);
        self.advance(total);
        Ok(())
    }

    /// Contacts counted as added that the store joined to people it knew: matched after all.
    fn joined(&mut self, count: u64) {
        self.summary.contacts.added -= count.min(self.summary.contacts.added);
        self.summary.contacts.matched += count;
    }

    fn advance(&mut self, rows: u64) {
        self.done += rows;
        (self.progress)(ImportProgress {
            phase: "writing",
            messages_done: self.done,
            messages_total: self.scan.message_rows,
        });
    }
}

impl ImportSummary {
    /// The summary for a terminal.
    pub fn describe(&self) -> String {
        let tally = |t: &Tally| {
            format!(
                "{} added, {} already there, {} skipped",
                t.added, t.matched, t.skipped
            )
        };
        let mut text = format!(
            "account:       {}\nowner:         {}\ncovered until: {}\n\
             conversations: {}\nmessages:      {}\ncontacts:      {}\n",
            self.account,
            self.owner,
            self.covered_until
                .map_or_else(|| "no messages".to_owned(), |at| at.to_rfc3339()),
            tally(&self.conversations),
            tally(&self.messages),
            tally(&self.contacts),
        );
        for skipped in &self.skipped {
            text.push_str(&format!(
                "skipped {} {}(s): {}\n",
                skipped.count, skipped.what, skipped.reason
            ));
        }
        text
    }
}
