//! The first pass over an archive, before anything is written: every row is read and checked
//! (a malformed file fails here, with nothing stored), and what the second pass needs is
//! gathered: the owner, people's names, totals for the progress bar and the export's date.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::ImportError;
use super::export::{
    Entries, MESSAGE_COLUMNS, locate, message, open_zip, owner_from_invitations, owner_name, table,
};
use crate::store::import_match::ProfileKey;

/// What the first pass learned.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub entries: Entries,
    /// Rows of messages.csv, drafts included.
    pub message_rows: u64,
    /// The newest message: the export covers every conversation's history up to here.
    pub newest: Option<DateTime<Utc>>,
    /// The owner's slug (`unknown` when the export names no one).
    pub owner: String,
    pub owner_name: Option<String>,
    /// Names by slug, from the `FROM` of the messages they sent.
    pub names: HashMap<String, String>,
}

#[derive(Default)]
struct Presence {
    conversations: u64,
    last_group: u64,
    name: Option<String>,
}

/// Reads the whole archive once. Memory grows with the number of people, not of messages.
pub fn scan(path: &Path) -> Result<Scan, ImportError> {
    let mut archive = open_zip(path)?;
    let entries = locate(&mut archive)?;
    let mut scan = Scan {
        entries: entries.clone(),
        ..Scan::default()
    };
    let invited_by = match &entries.invitations {
        Some(entry) => owner_from_invitations(&mut table(&mut archive, entry, &["from"])?)?,
        None => None,
    };
    if let Some(entry) = &entries.profile {
        scan.owner_name = owner_name(&mut table(&mut archive, entry, &["first name"])?)?;
    }
    if let Some(entry) = &entries.connections {
        let mut connections = table(&mut archive, entry, &["first name"])?;
        while connections.next_row()?.is_some() {}
    }
    let mut presence: HashMap<String, Presence> = HashMap::new();
    if let Some(entry) = &entries.messages {
        let mut messages = table(&mut archive, entry, &["conversation id"])?;
        messages.require(&MESSAGE_COLUMNS)?;
        let file = messages.file().to_owned();
        let mut group = 0;
        let mut current = String::new();
        while let Some(row) = messages.next_row()? {
            let message = message(&file, &row)?;
            scan.message_rows += 1;
            if message.conversation_id != current {
                current.clone_from(&message.conversation_id);
                group += 1;
            }
            if message.draft {
                continue;
            }
            scan.newest = scan.newest.max(Some(message.date));
            let people = message.sender.iter().chain(&message.recipients);
            for (i, person) in people.enumerate() {
                let ProfileKey::Slug(slug) = person else {
                    continue;
                };
                let seen = presence.entry(slug.clone()).or_default();
                if seen.last_group != group {
                    seen.last_group = group;
                    seen.conversations += 1;
                }
                if i == 0
                    && message.sender.is_some()
                    && seen.name.is_none()
                    && !message.from.is_empty()
                {
                    seen.name = Some(message.from.clone());
                }
            }
        }
    }
    // The owner takes part in every conversation; an outgoing invitation names them outright,
    // and Profile.csv's name settles a tie.
    let most = presence
        .values()
        .map(|p| p.conversations)
        .max()
        .unwrap_or(0);
    let mut candidates: Vec<(&String, &Presence)> = presence
        .iter()
        .filter(|(_, p)| p.conversations == most)
        .collect();
    candidates.sort_by_key(|(slug, p)| (p.name != scan.owner_name, (*slug).clone()));
    scan.owner = invited_by
        .or_else(|| candidates.first().map(|(slug, _)| (*slug).clone()))
        .unwrap_or_else(|| "unknown".to_owned());
    scan.names = presence
        .into_iter()
        .filter_map(|(slug, p)| Some((slug, p.name?)))
        .collect();
    Ok(scan)
}
