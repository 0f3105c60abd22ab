//! Reading attachments out of `messages.extras_json`, and cataloguing them in
//! `message_attachments`, where their bytes' fate is kept.
//!
//! Cataloguing happens when the backend answers a push or receives bytes, never while a push
//! is ingested: the ingest path stays as fast as plain inserts, and messages stored before
//! attachments had bytes are covered the same way.

use chrono::{DateTime, Utc};
use ping_core::model::Attachment;
use serde::Deserialize;
use sqlx::{AnyConnection, Row as _};

use super::ms;
use crate::ids::UserId;
use crate::store::{AttachmentKey, StoreError, StoreResult, downloadable};

/// Matches the messages that have an attachment with a URL; the partial index
/// `messages_with_media` holds exactly these, so the text must stay the same as its `WHERE`.
pub(super) const HAS_MEDIA: &str = "m.extras_json LIKE '%\"url\":\"%'";

/// The part of `extras_json` read here.
#[derive(Deserialize)]
struct Extras {
    #[serde(default)]
    attachments: Vec<Attachment>,
}

/// The attachments a message's `extras_json` describes.
pub(super) fn attachments_of(extras_json: &str) -> StoreResult<Vec<Attachment>> {
    serde_json::from_str::<Extras>(extras_json)
        .map(|extras| extras.attachments)
        .map_err(|error| StoreError::Corrupt(format!("extras_json: {error}")))
}

/// The attachment at `index` of a message, if it is downloadable.
pub(super) fn downloadable_at(extras_json: &str, index: u32) -> StoreResult<Option<Attachment>> {
    Ok(attachments_of(extras_json)?
        .into_iter()
        .nth(index as usize)
        .filter(downloadable))
}

/// A message of the user's, by URN: its row id and `extras_json`.
pub(super) async fn find_message(
    conn: &mut AnyConnection,
    user: UserId,
    key: &AttachmentKey,
) -> StoreResult<Option<(i64, String)>> {
    let row = sqlx::query("SELECT id, extras_json FROM messages WHERE user_id = $1 AND urn = $2")
        .bind(user.0)
        .bind(key.message.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| Ok((row.try_get("id")?, row.try_get("extras_json")?)))
        .transpose()
}

/// Adds a row per attachment of one message (downloadable ones `wanted`, the rest
/// `unfetchable`); rows that exist are left as they are.
pub(super) async fn catalogue_message(
    conn: &mut AnyConnection,
    user: UserId,
    message: i64,
    extras_json: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for (index, attachment) in attachments_of(extras_json)?.iter().enumerate() {
        let state = if downloadable(attachment) {
            "wanted"
        } else {
            "unfetchable"
        };
        sqlx::query(
            "INSERT INTO message_attachments \
             (user_id, message_id, attachment_index, kind, state, name, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (message_id, attachment_index) DO NOTHING",
        )
        .bind(user.0)
        .bind(message)
        .bind(index as i64)
        .bind(attachment.kind.as_str())
        .bind(state)
        .bind(attachment.name.clone())
        .bind(ms(now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Catalogues every message of the user's with media that has no rows yet.
pub(super) async fn catalogue_new_messages(
    conn: &mut AnyConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let rows = sqlx::query(&format!(
        "SELECT m.id, m.extras_json FROM messages m WHERE m.user_id = $1 AND {HAS_MEDIA} \
         AND NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.message_id = m.id)"
    ))
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let extras: String = row.try_get("extras_json")?;
        catalogue_message(conn, user, row.try_get("id")?, &extras, now).await?;
    }
    Ok(())
}
