//! A push written in one go ([`Isolation::Together`]): a few statements per list instead of a
//! few per record.
//!
//! Each list (contacts, conversations, messages) is first read with a few `IN (…)` look-ups,
//! then written: new rows with multi-row inserts ([`super::multi_row`]), the others through the
//! same per-record functions as the record-by-record path, so both store the same. What the
//! look-ups read stays true while the list is written, because the push itself changes it only
//! in the cases written record by record, in order:
//!
//! - a record pushed twice in one batch: the later copy is written after the rows before it,
//!   and sees them;
//! - a conversation from a LinkedIn export (one with a thread id: the only kind that holds
//!   imported messages, that a push adopts, or that joins people): when a push names one, its
//!   conversations are written record by record, and the messages of such a conversation are
//!   each matched to the imported copies as before;
//! - a slug-only contact (from an export) with a pushed contact's public identifier: that
//!   contact is written record by record. A push never makes a slug-only contact.
//!
//! A refusal fails the statement and so the transaction; the push is then written again record
//! by record ([`written`]), which reports the refused record alone.
//!
//! [`Isolation::Together`]: crate::store::sql::savepoint::Isolation::Together
//! [`written`]: crate::store::sql::savepoint::written

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use ping_core::ids::ConversationUrn;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use super::{count, hide_conversation, store_conversation};
use crate::ids::UserId;
use crate::store::import_match::normalize_slug;
use crate::store::sql::contacts::{
    Change, FIELD_COLUMNS, Mode, Twins, insert_contacts, refresh_contact, stored_from_row,
    upsert_contact,
};
use crate::store::sql::multi_row::{insert_chunks, lookup_chunks, placeholders, value_rows};
use crate::store::sql::rows::{
    NewMessage, insert_conversations, insert_messages, rewrite_conversation, stored_message_stands,
    upsert_message,
};
use crate::store::{
    ContactUpsert, ConversationRow, IngestBatch, IngestCounts, MessageRow, StoreResult,
};

/// Writes the batch's records (its account is written) in one go.
pub(super) async fn write_together(
    conn: &mut AnyConnection,
    user: UserId,
    account_id: i64,
    batch: &IngestBatch,
    now: DateTime<Utc>,
) -> StoreResult<IngestCounts> {
    let mut counts = IngestCounts::default();
    let contacts = write_contacts(conn, user, &batch.contacts, now).await?;
    let conversations = write_conversations(
        conn,
        user,
        account_id,
        &batch.conversations,
        &contacts,
        now,
        &mut counts,
    )
    .await?;
    write_messages(
        conn,
        user,
        &batch.messages,
        &conversations,
        &contacts,
        now,
        &mut counts,
    )
    .await?;
    for deleted in &batch.deleted_conversations {
        hide_conversation(conn, user, &deleted.urn, now).await?;
    }
    Ok(counts)
}

/// The rows of `select` (a statement ending in `… IN`, whose `$1` is the user) for every key.
async fn rows_by_key(
    conn: &mut AnyConnection,
    select: &str,
    user: UserId,
    keys: &[&str],
) -> StoreResult<Vec<AnyRow>> {
    let mut rows = Vec::new();
    for chunk in lookup_chunks(keys) {
        let sql = format!("{select} ({})", placeholders(2, chunk.len()));
        let mut query = sqlx::query(&sql).bind(user.0);
        for key in chunk {
            query = query.bind(key);
        }
        rows.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}

/// Each distinct key once, in order of first appearance.
fn distinct<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    keys.into_iter().filter(|key| seen.insert(*key)).collect()
}

/// Contacts: one look-up by URN, one for slug-only contacts sharing a public identifier, one
/// insert per chunk of new contacts. Returns each pushed URN's contact id.
async fn write_contacts<'b>(
    conn: &mut AnyConnection,
    user: UserId,
    contacts: &'b [ContactUpsert],
    now: DateTime<Utc>,
) -> StoreResult<HashMap<&'b str, i64>> {
    let urns = distinct(contacts.iter().filter_map(|c| c.urn.as_deref()));
    let select = format!("SELECT {FIELD_COLUMNS} FROM contacts WHERE user_id = $1 AND urn IN");
    let mut stored = HashMap::new();
    for row in rows_by_key(conn, &select, user, &urns).await? {
        let urn: String = row.try_get("urn")?;
        stored.insert(urn, stored_from_row(&row)?);
    }
    let slugs: Vec<String> = contacts
        .iter()
        .filter_map(|c| c.public_identifier.as_deref())
        .flat_map(|slug| [Some(slug.to_owned()), normalize_slug(slug)])
        .flatten()
        .collect();
    let slugs = distinct(slugs.iter().map(String::as_str));
    let select = "SELECT DISTINCT public_identifier FROM contacts \
                  WHERE user_id = $1 AND urn IS NULL AND public_identifier IN";
    let mut slug_only = HashSet::new();
    for row in rows_by_key(conn, select, user, &slugs).await? {
        slug_only.insert(row.try_get::<String, _>("public_identifier")?);
    }
    let has_twin = |contact: &ContactUpsert| {
        contact.public_identifier.as_deref().is_some_and(|slug| {
            slug_only.contains(slug) || normalize_slug(slug).is_some_and(|s| slug_only.contains(&s))
        })
    };

    // Pushed twice, or without a URN (found by its public identifier alone): as it comes.
    let in_order = urns.len() < contacts.len();
    let mut ids = HashMap::new();
    let mut new = Vec::new();
    for contact in contacts {
        let found = contact.urn.as_deref().and_then(|urn| stored.remove(urn));
        let written = match found {
            _ if in_order => upsert_contact(conn, user, contact, now, Mode::Upsert).await?,
            Some(found) => {
                let twins = if has_twin(contact) {
                    Twins::Maybe
                } else {
                    Twins::None
                };
                refresh_contact(conn, user, contact, found, twins, now).await?
            }
            None if !has_twin(contact) => {
                new.push(contact);
                continue;
            }
            None => upsert_contact(conn, user, contact, now, Mode::Upsert).await?,
        };
        if let (Some((id, _)), Some(urn)) = (written, contact.urn.as_deref()) {
            ids.insert(urn, id.0);
        }
    }
    let created = insert_contacts(conn, user, &new, now).await?;
    for contact in new {
        if let (Some(urn), Some(id)) = (contact.urn.as_deref(), created.get(&contact.urn)) {
            ids.insert(urn, id.0);
        }
    }
    Ok(ids)
}

/// A conversation of the push, as the messages see it.
#[derive(Debug, Clone, Copy)]
struct StoredConversation {
    id: i64,
    /// From a LinkedIn export (it has a thread id): it may hold imported messages.
    imported: bool,
}

/// The thread a pushed conversation URN names, as an export stores it.
fn thread_of(urn: &str) -> Option<String> {
    let parsed = ConversationUrn::parse(urn).ok()?;
    let thread = percent_encoding::percent_decode_str(parsed.thread_id()).decode_utf8_lossy();
    Some(thread.into_owned())
}

/// Conversations: one look-up of the threads an export stored, one by URN, one insert per
/// chunk of new conversations and one per chunk of participants. Record by record (as
/// [`store_conversation`]) when the push names a conversation twice or touches an exported
/// one.
async fn write_conversations<'b>(
    conn: &mut AnyConnection,
    user: UserId,
    account_id: i64,
    rows: &'b [ConversationRow],
    contacts: &HashMap<&str, i64>,
    now: DateTime<Utc>,
    counts: &mut IngestCounts,
) -> StoreResult<HashMap<&'b str, StoredConversation>> {
    let urns: Vec<&str> = rows.iter().map(|row| row.urn.as_str()).collect();
    let threads: Vec<String> = rows.iter().filter_map(|row| thread_of(&row.urn)).collect();
    let twice = distinct(urns.iter().copied()).len() < urns.len()
        || distinct(threads.iter().map(String::as_str)).len() < threads.len();
    let select = "SELECT thread_id FROM conversations WHERE user_id = $1 AND thread_id IN";
    let threads: Vec<&str> = threads.iter().map(String::as_str).collect();
    let mut exported = twice || !rows_by_key(conn, select, user, &threads).await?.is_empty();
    let mut stored = HashMap::new();
    if !exported {
        let select = "SELECT id, urn, fingerprint, deleted_at, thread_id FROM conversations \
                      WHERE user_id = $1 AND urn IN";
        for row in rows_by_key(conn, select, user, &urns).await? {
            let thread: Option<String> = row.try_get("thread_id")?;
            exported |= thread.is_some();
            let found = (
                row.try_get::<i64, _>("id")?,
                row.try_get::<String, _>("fingerprint")?,
                row.try_get::<Option<i64>, _>("deleted_at")?,
            );
            stored.insert(row.try_get::<String, _>("urn")?, found);
        }
    }
    let mut written = HashMap::new();
    if exported {
        for row in rows {
            let (id, change) =
                store_conversation(conn, user, account_id, row, contacts, now).await?;
            count(&mut counts.conversations, change);
            written.insert(row.urn.as_str(), StoredConversation { id, imported: true });
        }
        return Ok(written);
    }

    let mut new = Vec::new();
    for row in rows {
        let Some((id, fingerprint, deleted)) = stored.remove(&row.urn) else {
            new.push(row);
            continue;
        };
        let change = if fingerprint == row.fingerprint && deleted.is_none() {
            Change::Unchanged
        } else {
            rewrite_conversation(conn, id, row, now).await?;
            Change::Updated
        };
        count(&mut counts.conversations, change);
        let imported = false;
        written.insert(row.urn.as_str(), StoredConversation { id, imported });
    }
    let created = insert_conversations(conn, user, account_id, &new, now).await?;
    for row in new {
        if let Some(id) = created.get(&row.urn) {
            count(&mut counts.conversations, Change::Created);
            let imported = false;
            written.insert(row.urn.as_str(), StoredConversation { id: *id, imported });
        }
    }

    let participants: Vec<(i64, i64)> = rows
        .iter()
        .filter_map(|row| Some((written.get(row.urn.as_str())?.id, row)))
        .flat_map(|(id, row)| {
            row.participant_urns
                .iter()
                .filter_map(move |urn| Some((id, *contacts.get(urn.as_str())?)))
        })
        .collect();
    for chunk in insert_chunks(&participants) {
        let sql = format!(
            "INSERT INTO conversation_participants (conversation_id, contact_id) VALUES {} \
             ON CONFLICT DO NOTHING",
            value_rows(1, chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for (conversation, contact) in chunk {
            query = query.bind(*conversation).bind(*contact);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(written)
}

/// Inserts the messages waiting, counts them and empties the list.
async fn insert_pending(
    conn: &mut AnyConnection,
    user: UserId,
    pending: &mut Vec<NewMessage<'_>>,
    now: DateTime<Utc>,
    counts: &mut IngestCounts,
) -> StoreResult<()> {
    insert_messages(conn, user, pending, now).await?;
    for _ in pending.drain(..) {
        count(&mut counts.messages, Change::Created);
    }
    Ok(())
}

/// Messages: one look-up of conversations the batch does not carry, one of senders who are not
/// its participants, one of the stored copies by URN, and one insert per chunk of new
/// messages. A message pushed twice, or in a conversation of an export, is written alone (as
/// [`upsert_message`]), after the messages before it.
async fn write_messages(
    conn: &mut AnyConnection,
    user: UserId,
    rows: &[MessageRow],
    conversations: &HashMap<&str, StoredConversation>,
    contacts: &HashMap<&str, i64>,
    now: DateTime<Utc>,
    counts: &mut IngestCounts,
) -> StoreResult<()> {
    let elsewhere = distinct(
        rows.iter()
            .map(|row| row.conversation_urn.as_str())
            .filter(|urn| !conversations.contains_key(urn)),
    );
    let select = "SELECT id, urn, thread_id FROM conversations WHERE user_id = $1 AND urn IN";
    let mut stored_conversations = HashMap::new();
    for row in rows_by_key(conn, select, user, &elsewhere).await? {
        let id = row.try_get::<i64, _>("id")?;
        let imported = row.try_get::<Option<String>, _>("thread_id")?.is_some();
        let urn = row.try_get::<String, _>("urn")?;
        stored_conversations.insert(urn, StoredConversation { id, imported });
    }
    let senders = distinct(
        rows.iter()
            .filter_map(|row| row.sender_urn.as_deref())
            .filter(|urn| !contacts.contains_key(urn)),
    );
    let select = "SELECT id, urn FROM contacts WHERE user_id = $1 AND urn IN";
    let mut stored_senders = HashMap::new();
    for row in rows_by_key(conn, select, user, &senders).await? {
        let id = row.try_get::<i64, _>("id")?;
        stored_senders.insert(row.try_get::<String, _>("urn")?, id);
    }
    let urns = distinct(rows.iter().map(|row| row.urn.as_str()));
    let select = "SELECT urn, fingerprint, state FROM messages WHERE user_id = $1 AND urn IN";
    let mut stored = HashMap::new();
    for row in rows_by_key(conn, select, user, &urns).await? {
        let copy = (
            row.try_get::<String, _>("fingerprint")?,
            row.try_get::<String, _>("state")?,
        );
        stored.insert(row.try_get::<String, _>("urn")?, copy);
    }

    let mut seen = HashSet::new();
    let mut pending = Vec::new();
    for row in rows {
        let conversation = conversations
            .get(row.conversation_urn.as_str())
            .or_else(|| stored_conversations.get(&row.conversation_urn));
        let Some(conversation) = conversation.copied() else {
            counts.orphaned_messages.push((row.index, row.urn.clone()));
            continue;
        };
        let sender = row.sender_urn.as_deref().and_then(|urn| {
            contacts
                .get(urn)
                .or_else(|| stored_senders.get(urn))
                .copied()
        });
        let again = !seen.insert(row.urn.as_str());
        match stored.get(&row.urn) {
            Some((fingerprint, state))
                if !again && stored_message_stands(fingerprint, state, row) =>
            {
                count(&mut counts.messages, Change::Unchanged);
            }
            // A stored copy, changed: rewritten in place.
            Some(_) if !again => {
                let change = upsert_message(conn, user, conversation.id, sender, row, now).await?;
                count(&mut counts.messages, change);
            }
            None if !again && !conversation.imported => pending.push(NewMessage {
                conversation_id: conversation.id,
                sender_contact: sender,
                row,
            }),
            _ => {
                insert_pending(conn, user, &mut pending, now, counts).await?;
                let change = upsert_message(conn, user, conversation.id, sender, row, now).await?;
                count(&mut counts.messages, change);
            }
        }
    }
    insert_pending(conn, user, &mut pending, now, counts).await
}
