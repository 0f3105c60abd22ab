//! Upserting one account, conversation or message row inside a push transaction.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row as _};

use super::contacts::Change;
use super::import_links::{adopt_imported_conversation, adopt_imported_message};
use super::ms;
use crate::ids::UserId;
use crate::store::{ConversationRow, IngestBatch, MessageRow, StoreResult};

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
        sqlx::query(
            "UPDATE conversations SET kind = $1, group_chat = $2, title = $3, folder = $4, \
             record_json = $5, fingerprint = $6, last_activity_at = $7, deleted_at = NULL, \
             updated_at = $8 WHERE id = $9",
        )
        .bind(&row.kind)
        .bind(i64::from(row.group_chat))
        .bind(row.title.clone())
        .bind(row.folder.as_str())
        .bind(&row.record_json)
        .bind(&row.fingerprint)
        .bind(ms(row.last_activity_at))
        .bind(ms(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        return Ok((id, Change::Updated));
    }
    let inserted = sqlx::query(
        "INSERT INTO conversations (user_id, account_id, urn, kind, group_chat, title, folder, \
         record_json, fingerprint, last_activity_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(user.0)
    .bind(account_id)
    .bind(&row.urn)
    .bind(&row.kind)
    .bind(i64::from(row.group_chat))
    .bind(row.title.clone())
    .bind(row.folder.as_str())
    .bind(&row.record_json)
    .bind(&row.fingerprint)
    .bind(ms(row.last_activity_at))
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok((inserted.try_get("id")?, Change::Created))
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
    .bind(&row.urn)
    .bind(row.sender_urn.clone())
    .bind(sender_contact)
    .bind(row.direction.as_str())
    .bind(ms(row.delivered_at))
    .bind(row.subject.clone())
    .bind(&row.body)
    .bind(&row.state)
    .bind(&row.extras_json)
    .bind(&row.fingerprint)
    .bind(ms(now))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
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
        // A recall is final: an older copy of the message arriving later does not restore it.
        if fingerprint == row.fingerprint || (state == "recalled" && row.state != "recalled") {
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
    sqlx::query(
        "INSERT INTO messages (user_id, conversation_id, urn, sender_urn, sender_contact_id, \
         direction, delivered_at, subject, body, state, extras_json, fingerprint, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(user.0)
    .bind(conversation_id)
    .bind(&row.urn)
    .bind(row.sender_urn.clone())
    .bind(sender_contact)
    .bind(row.direction.as_str())
    .bind(ms(row.delivered_at))
    .bind(row.subject.clone())
    .bind(&row.body)
    .bind(&row.state)
    .bind(&row.extras_json)
    .bind(&row.fingerprint)
    .bind(ms(now))
    .execute(&mut *conn)
    .await?;
    Ok(Change::Created)
}
