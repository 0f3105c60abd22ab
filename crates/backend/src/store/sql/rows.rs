//! Upserting one account, conversation or message row inside a push transaction, and inserting
//! new ones many rows per statement.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row as _};

use super::contacts::Change;
use super::import_links::{adopt_imported_conversation, adopt_imported_message};
use super::ms;
use super::multi_row::{insert_chunks, value_rows};
use crate::ids::UserId;
use crate::store::{ConversationRow, IngestBatch, MessageRow, StoreError, StoreResult};

pub(super) async fn upsert_account(
    conn: &mut AnyConnection,
    user: UserId,
    batch: &IngestBatch,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let account = &batch.account;
    let name = format!("{} {}", account.first_name, account.last_name);
    let row = sqlx::query(
        "INSERT INTO linkedin_accounts (user_id, profile_urn, name, headline, public_identifier, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, profile_urn) DO UPDATE \
         SET name = excluded.name, headline = excluded.headline, \
         public_identifier = excluded.public_identifier, updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(user.0)
    .bind(account.profile.to_string())
    .bind(name.trim().to_owned())
    .bind(account.headline.clone())
    .bind(account.public_identifier.as_ref().map(ToString::to_string))
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub(super) async fn upsert_conversation(
    conn: &mut AnyConnection,
    user: UserId,
    account_id: i64,
    row: &ConversationRow,
    now: DateTime<Utc>,
) -> StoreResult<(i64, Change)> {
    adopt_imported_conversation(conn, user, account_id, &row.urn).await?;
    let stored = sqlx::query(
        "SELECT id, fingerprint, deleted_at FROM conversations WHERE user_id = $1 AND urn = $2",
    )
    .bind(user.0)
    .bind(&row.urn)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(stored) = stored {
        let id: i64 = stored.try_get("id")?;
        let fingerprint: String = stored.try_get("fingerprint")?;
        let deleted: Option<i64> = stored.try_get("deleted_at")?;
        if fingerprint == row.fingerprint && deleted.is_none() {
            return Ok((id, Change::Unchanged));
        }
        rewrite_conversation(conn, id, row, now).await?;
        return Ok((id, Change::Updated));
    }
    let inserted = insert_conversations(conn, user, account_id, &[row], now).await?;
    let id = inserted.get(&row.urn).copied().ok_or_else(|| {
        StoreError::Corrupt(format!(
            "conversation {} was inserted without an id",
            row.urn
        ))
    })?;
    Ok((id, Change::Created))
}

/// Inserts new conversations, a chunk of rows per statement; returns each URN's id.
pub(super) async fn insert_conversations(
    conn: &mut AnyConnection,
    user: UserId,
    account_id: i64,
    rows: &[&ConversationRow],
    now: DateTime<Utc>,
) -> StoreResult<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for chunk in insert_chunks(rows) {
        let sql = format!(
            "INSERT INTO conversations (user_id, account_id, urn, kind, group_chat, title, \
             folder, record_json, fingerprint, last_activity_at, updated_at) VALUES {} \
             RETURNING id, urn",
            value_rows(1, chunk.len(), 11)
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query
                .bind(user.0)
                .bind(account_id)
                .bind(&row.urn)
                .bind_conversation(row)
                .bind(ms(now));
        }
        for inserted in query.fetch_all(&mut *conn).await? {
            ids.insert(inserted.try_get("urn")?, inserted.try_get("id")?);
        }
    }
    Ok(ids)
}

/// Writes a pushed conversation over the stored row `id`, showing it again if it was hidden.
pub(super) async fn rewrite_conversation(
    conn: &mut AnyConnection,
    id: i64,
    row: &ConversationRow,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE conversations SET kind = $1, group_chat = $2, title = $3, folder = $4, \
         record_json = $5, fingerprint = $6, last_activity_at = $7, deleted_at = NULL, \
         updated_at = $8 WHERE id = $9",
    )
    .bind_conversation(row)
    .bind(ms(now))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(super) async fn contact_id_by_urn(
    conn: &mut AnyConnection,
    user: UserId,
    urn: &str,
) -> StoreResult<Option<i64>> {
    let row = sqlx::query("SELECT id FROM contacts WHERE user_id = $1 AND urn = $2")
        .bind(user.0)
        .bind(urn)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|row| row.try_get("id")).transpose()?)
}

/// Writes a pushed message over the stored row `id` (its URN included: an imported copy takes
/// the live one).
pub(super) async fn rewrite_message(
    conn: &mut AnyConnection,
    id: i64,
    sender_contact: Option<i64>,
    row: &MessageRow,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE messages SET urn = $1, sender_urn = $2, sender_contact_id = $3, direction = $4, \
         delivered_at = $5, subject = $6, body = $7, state = $8, extras_json = $9, \
         fingerprint = $10, updated_at = $11 WHERE id = $12",
    )
    .bind_message(row, sender_contact)
    .bind(ms(now))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether a stored message (its fingerprint and state) stays as it is when `row` is pushed:
/// the same copy, or a recall, which is final (an older copy arriving later does not restore
/// it).
pub(super) fn stored_message_stands(fingerprint: &str, state: &str, row: &MessageRow) -> bool {
    fingerprint == row.fingerprint || (state == "recalled" && row.state != "recalled")
}

pub(super) async fn upsert_message(
    conn: &mut AnyConnection,
    user: UserId,
    conversation_id: i64,
    sender_contact: Option<i64>,
    row: &MessageRow,
    now: DateTime<Utc>,
) -> StoreResult<Change> {
    let stored =
        sqlx::query("SELECT id, fingerprint, state FROM messages WHERE user_id = $1 AND urn = $2")
            .bind(user.0)
            .bind(&row.urn)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(stored) = stored {
        let fingerprint: String = stored.try_get("fingerprint")?;
        let state: String = stored.try_get("state")?;
        if stored_message_stands(&fingerprint, &state, row) {
            return Ok(Change::Unchanged);
        }
        let id = stored.try_get::<i64, _>("id")?;
        rewrite_message(conn, id, sender_contact, row, now).await?;
        return Ok(Change::Updated);
    }
    if let Some(change) =
        adopt_imported_message(conn, user, conversation_id, sender_contact, row, now).await?
    {
        return Ok(change);
    }
    let new = NewMessage {
        conversation_id,
        sender_contact,
        row,
    };
    insert_messages(conn, user, &[new], now).await?;
    Ok(Change::Created)
}

/// A message new to the store, with the ids it points at.
pub(super) struct NewMessage<'r> {
    pub(super) conversation_id: i64,
    pub(super) sender_contact: Option<i64>,
    pub(super) row: &'r MessageRow,
}

/// Inserts new messages, a chunk of rows per statement, in order.
pub(super) async fn insert_messages(
    conn: &mut AnyConnection,
    user: UserId,
    messages: &[NewMessage<'_>],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for chunk in insert_chunks(messages) {
        let sql = format!(
            "INSERT INTO messages (user_id, conversation_id, urn, sender_urn, sender_contact_id, \
             direction, delivered_at, subject, body, state, extras_json, fingerprint, \
             updated_at) VALUES {}",
            value_rows(1, chunk.len(), 13)
        );
        let mut query = sqlx::query(&sql);
        for new in chunk {
            query = query
                .bind(user.0)
                .bind(new.conversation_id)
                .bind_message(new.row, new.sender_contact)
                .bind(ms(now));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Binds the seven pushed columns of a conversation, from `kind` to `last_activity_at`, in the
/// order the statements above list them.
trait BindConversation<'q> {
    fn bind_conversation(self, row: &'q ConversationRow) -> Self;
}

impl<'q> BindConversation<'q> for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_conversation(self, row: &'q ConversationRow) -> Self {
        self.bind(&row.kind)
            .bind(i64::from(row.group_chat))
            .bind(row.title.clone())
            .bind(row.folder.as_str())
            .bind(&row.record_json)
            .bind(&row.fingerprint)
            .bind(ms(row.last_activity_at))
    }
}

/// Binds the ten pushed columns of a message, from `urn` to `fingerprint`, in the order the
/// statements above list them.
trait BindMessage<'q> {
    fn bind_message(self, row: &'q MessageRow, sender_contact: Option<i64>) -> Self;
}

impl<'q> BindMessage<'q> for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_message(self, row: &'q MessageRow, sender_contact: Option<i64>) -> Self {
        self.bind(&row.urn)
            .bind(row.sender_urn.clone())
            .bind(sender_contact)
            .bind(row.direction.as_str())
            .bind(ms(row.delivered_at))
            .bind(row.subject.clone())
            .bind(&row.body)
            .bind(&row.state)
            .bind(&row.extras_json)
            .bind(&row.fingerprint)
    }
}
