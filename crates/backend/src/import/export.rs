//! The files of the export and their rows: which archive entries are read, and each row of
//! messages.csv and Connections.csv as typed values.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::ImportError;
use super::table::{Row, Table};
use super::text::{connected_on, message_date};
use crate::store::import_match::{ProfileKey, looks_like_html, profile_key, readable_text};

/// The archive entries the import reads (indexes into the ZIP).
#[derive(Debug, Clone, Default)]
pub struct Entries {
    pub messages: Option<(usize, String)>,
    pub connections: Option<(usize, String)>,
    pub invitations: Option<(usize, String)>,
    pub profile: Option<(usize, String)>,
}

/// A file name as compared: its last component, lowercase, without spaces or `_`.
fn base_key(name: &str) -> (String, usize) {
    let trimmed = name.trim_end_matches('/');
    let depth = trimmed.matches('/').count();
    let base = trimmed.rsplit('/').next().unwrap_or_default();
    (base.to_lowercase().replace([' ', '_'], ""), depth)
}

pub fn open_zip(path: &Path) -> Result<zip::ZipArchive<File>, ImportError> {
    let file = File::open(path).map_err(|error| ImportError::io("the archive", error))?;
    zip::ZipArchive::new(file).map_err(|error| ImportError::NotZip(error.to_string()))
}

/// Finds the files by name, loosely (`Connections.csv`, `connections.csv`, `Email
/// Addresses.csv`…), at the root or in one top folder (an archive zipped again by hand). The
/// decoys (`guide_messages.csv`, `coach_messages.csv`…) have other names and are never read.
pub fn locate(archive: &mut zip::ZipArchive<File>) -> Result<Entries, ImportError> {
    let mut entries = Entries::default();
    let mut depths = [usize::MAX; 4];
    for index in 0..archive.len() {
        let Some(Ok(name)) = archive.name_for_index(index) else {
            continue;
        };
        let name = name.into_owned();
        let (key, depth) = base_key(&name);
        let slot = match key.as_str() {
            "messages.csv" => 0,
            "connections.csv" => 1,
            "invitations.csv" => 2,
            "profile.csv" => 3,
            _ => continue,
        };
        if depth > 1 || depth >= depths[slot] {
            continue;
        }
        depths[slot] = depth;
        let found = Some((index, name));
        match slot {
            0 => entries.messages = found,
            1 => entries.connections = found,
            2 => entries.invitations = found,
            _ => entries.profile = found,
        }
    }
    if entries.messages.is_none() && entries.connections.is_none() {
        return Err(ImportError::NotAnExport);
    }
    Ok(entries)
}

/// Opens one entry of the archive as a table.
pub fn table<'a>(
    archive: &'a mut zip::ZipArchive<File>,
    entry: &(usize, String),
    first_columns: &[&str],
) -> Result<Table<zip::read::ZipFile<'a, File>>, ImportError> {
    let (index, name) = entry;
    let file = archive
        .by_index(*index)
        .map_err(|error| ImportError::NotZip(format!("{name}: {error}")))?;
    Table::open(name, file, first_columns)
}

/// The columns messages.csv must have; the others are optional.
pub const MESSAGE_COLUMNS: [&str; 4] = ["conversation id", "from", "date", "content"];

/// One row of messages.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportMessage {
    pub conversation_id: String,
    pub title: Option<String>,
    pub from: String,
    pub sender: Option<ProfileKey>,
    /// `TO` split at `, ` (a name holding `, ` makes this longer than the URL list).
    pub to_names: Vec<String>,
    pub recipients: Vec<ProfileKey>,
    pub date: DateTime<Utc>,
    pub subject: Option<String>,
    /// Readable text (HTML turned into text, entities decoded, CRLF made LF).
    pub content: String,
    /// The body was HTML (sponsored messages and InMail campaigns).
    pub html: bool,
    pub folder: Option<String>,
    pub attachments: Vec<String>,
    pub draft: bool,
}

fn urls(value: Option<String>) -> impl Iterator<Item = String> {
    value
        .unwrap_or_default()
        .split([',', ';', ' ', '\n', '\t', '\r'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

/// Reads one row of messages.csv (the header was checked for [`MESSAGE_COLUMNS`]).
pub fn message(file: &str, row: &Row<'_>) -> Result<ExportMessage, ImportError> {
    let conversation_id = row
        .get("conversation id")
        .map(|id| {
            percent_encoding::percent_decode_str(&id)
                .decode_utf8_lossy()
                .into_owned()
        })
        .ok_or_else(|| ImportError::malformed(file, Some(row.line), "empty CONVERSATION ID"))?;
    let raw_date = row.get("date").unwrap_or_default();
    let date = message_date(&raw_date).ok_or_else(|| {
        ImportError::malformed(
            file,
            Some(row.line),
            format!("DATE {raw_date:?} is not a date like 2025-03-04 16:02:09 UTC"),
        )
    })?;
    let raw_content = row.raw("content").unwrap_or_default();
    let draft = row
        .get("is message draft")
        .is_some_and(|flag| matches!(flag.to_lowercase().as_str(), "yes" | "true" | "1"));
    Ok(ExportMessage {
        conversation_id,
        title: row.get("conversation title"),
        from: row.get("from").unwrap_or_default(),
        sender: row
            .get("sender profile url")
            .and_then(|url| profile_key(&url)),
        to_names: row
            .get("to")
            .map(|to| to.split(", ").map(|name| name.trim().to_owned()).collect())
            .unwrap_or_default(),
        recipients: urls(row.get("recipient profile urls"))
            .filter_map(|url| profile_key(&url))
            .collect(),
        date,
        subject: row.get("subject"),
        html: looks_like_html(&raw_content),
        content: readable_text(&raw_content),
        folder: row.get("folder"),
        attachments: urls(row.get("attachments")).collect(),
        draft,
    })
}

/// One row of Connections.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportConnection {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub profile: Option<ProfileKey>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub position: Option<String>,
    pub connected_at: Option<DateTime<Utc>>,
}

pub fn connection(row: &Row<'_>) -> ExportConnection {
    ExportConnection {
        first_name: row.get("first name"),
        last_name: row.get("last name"),
        profile: row.get("url").and_then(|url| profile_key(&url)),
        email: row.get("email address"),
        company: row.get("company"),
        position: row.get("position"),
        connected_at: row.get("connected on").and_then(|raw| connected_on(&raw)),
    }
}

/// The owner's own slug, as `Invitations.csv` gives it: the inviter of an outgoing invitation.
pub fn owner_from_invitations<R: Read>(
    table: &mut Table<R>,
) -> Result<Option<String>, ImportError> {
    while let Some(row) = table.next_row()? {
        let outgoing = row
            .get("direction")
            .is_some_and(|direction| direction.eq_ignore_ascii_case("outgoing"));
        if outgoing
            && let Some(ProfileKey::Slug(slug)) = row
                .get("inviterprofileurl")
                .and_then(|url| profile_key(&url))
        {
            return Ok(Some(slug));
        }
    }
    Ok(None)
}

/// The owner's name, as `Profile.csv` gives it.
pub fn owner_name<R: Read>(table: &mut Table<R>) -> Result<Option<String>, ImportError> {
    let Some(row) = table.next_row()? else {
        return Ok(None);
    };
    let name = [row.get("first name"), row.get("last name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    Ok((!name.is_empty()).then_some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_match_loosely_and_decoys_do_not() {
        assert_eq!(base_key("messages.csv"), ("messages.csv".to_owned(), 0));
        assert_eq!(base_key("Export/Connections.csv").0, "connections.csv");
        assert_eq!(base_key("guide_messages.csv").0, "guidemessages.csv");
        assert_eq!(base_key("Email Addresses.csv").0, "emailaddresses.csv");
    }
}
