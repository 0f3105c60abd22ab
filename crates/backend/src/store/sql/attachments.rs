//! What became of message attachments' bytes (the bytes are in the object store).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::{ConversationUrn, MessageUrn};
use ping_core::model::AttachmentKind;
use ping_protocol::{AttachmentRequest, AttachmentSkip};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::attachment_catalogue::{
    HAS_MEDIA, attachments_of, catalogue_message, catalogue_new_messages, downloadable_at,
    find_message,
};
use super::{SqlStore, get_json, get_time, ms};
use crate::ids::{ConversationId, UserId};
use crate::store::{
    AttachmentKey, AttachmentState, AttachmentStore, AttachmentTarget, AttachmentView, StorageUse,
    StoreError, StoreResult, StoredAttachment, StoredFile, downloadable,
};

fn corrupt(what: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {error}"))
}

fn file_from_row(row: &AnyRow) -> StoreResult<StoredFile> {
    Ok(StoredFile {
        sha256: row.try_get("sha256")?,
        media_type: row.try_get("media_type")?,
        byte_size: row.try_get::<i64, _>("byte_size")?.max(0) as u64,
        name: row.try_get("name")?,
    })
}

/// The state of a catalogued row (`None`: not catalogued yet, so pending).
fn state_from_row(row: &AnyRow) -> StoreResult<AttachmentState> {
    match row.try_get::<Option<String>, _>("state")?.as_deref() {
        Some("stored") => Ok(AttachmentState::Stored(file_from_row(row)?)),
        Some("skipped") => Ok(AttachmentState::Skipped {
            reason: get_json(row, "skip_json")?,
        }),
        _ => Ok(AttachmentState::Pending),
    }
}

/// One wanted attachment as a request, or `None` if its message no longer describes it as
/// downloadable.
fn request_from_row(row: &AnyRow) -> StoreResult<Option<AttachmentRequest>> {
    let index = row.try_get::<i64, _>("attachment_index")?.max(0) as u32;
    let extras: String = row.try_get("extras_json")?;
    let Some(attachment) = downloadable_at(&extras, index)? else {
        return Ok(None);
    };
    let message: String = row.try_get("urn")?;
    let conversation: String = row.try_get("conversation_urn")?;
    Ok(Some(AttachmentRequest {
        message: MessageUrn::parse(&message).map_err(|error| corrupt("message urn", error))?,
        index,
        conversation: ConversationUrn::parse(&conversation)
            .map_err(|error| corrupt("conversation urn", error))?,
        sent_at: get_time(row, "delivered_at")?,
        kind: attachment.kind,
        url: attachment.url.unwrap_or_default(),
        byte_size: attachment.byte_size,
        media_type: attachment.media_type,
    }))
}

#[async_trait]
impl AttachmentStore for SqlStore {
    async fn take_attachment_requests(
        &self,
        user: UserId,
        kinds: &[AttachmentKind],
        limit: u32,
        asked_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AttachmentRequest>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        catalogue_new_messages(&mut tx, user, now).await?;
        let kind_params: Vec<String> = (0..kinds.len()).map(|n| format!("${}", n + 4)).collect();
        let sql = format!(
            "SELECT a.id, a.attachment_index, m.urn, m.delivered_at, m.extras_json, \
             c.urn AS conversation_urn FROM message_attachments a \
             JOIN messages m ON m.id = a.message_id \
             JOIN conversations c ON c.id = m.conversation_id \
             WHERE a.user_id = $1 AND a.state = 'wanted' \
             AND (a.asked_at IS NULL OR a.asked_at <= $2) AND a.kind IN ({}) \
             ORDER BY m.delivered_at DESC, m.id DESC, a.attachment_index LIMIT $3",
            kind_params.join(", ")
        );
        let mut query = sqlx::query(&sql)
            .bind(user.0)
            .bind(ms(asked_before))
            .bind(i64::from(limit));
        for kind in kinds {
            query = query.bind(kind.as_str());
        }
        let rows = query.fetch_all(&mut *tx).await?;
        let mut requests = Vec::with_capacity(rows.len());
        for row in rows {
            // A message re-read without the attachment's URL leaves nothing to fetch.
            let (state, asked) = match request_from_row(&row)? {
                Some(request) => {
                    requests.push(request);
                    ("wanted", Some(ms(now)))
                }
                None => ("unfetchable", None),
            };
            sqlx::query(
                "UPDATE message_attachments SET state = $1, asked_at = $2, updated_at = $3 \
                 WHERE id = $4",
            )
            .bind(state)
            .bind(asked)
            .bind(ms(now))
            .bind(row.try_get::<i64, _>("id")?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(requests)
    }

    async fn attachment_target(
        &self,
        user: UserId,
        key: &AttachmentKey,
    ) -> StoreResult<Option<AttachmentTarget>> {
        let mut conn = self.pool.acquire().await?;
        let Some((_, extras)) = find_message(&mut conn, user, key).await? else {
            return Ok(None);
        };
        Ok(
            downloadable_at(&extras, key.index)?.map(|attachment| AttachmentTarget {
                kind: attachment.kind,
                name: attachment.name,
            }),
        )
    }

    async fn record_stored_attachment(
        &self,
        user: UserId,
        key: &AttachmentKey,
        file: &StoredFile,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let Some((message, extras)) = find_message(&mut tx, user, key).await? else {
            return Ok(false);
        };
        if downloadable_at(&extras, key.index)?.is_none() {
            return Ok(false);
        }
        catalogue_message(&mut tx, user, message, &extras, now).await?;
        sqlx::query(
            "UPDATE message_attachments SET state = 'stored', sha256 = $1, media_type = $2, \
             byte_size = $3, name = $4, skip_json = NULL, updated_at = $5 \
             WHERE message_id = $6 AND attachment_index = $7",
        )
        .bind(&file.sha256)
        .bind(&file.media_type)
        .bind(file.byte_size as i64)
        .bind(file.name.clone())
        .bind(ms(now))
        .bind(message)
        .bind(i64::from(key.index))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn record_skipped_attachments(
        &self,
        user: UserId,
        skips: &[AttachmentSkip],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let mut recorded = 0;
        for skip in skips {
            let key = AttachmentKey {
                message: skip.message.clone(),
                index: skip.index,
            };
            let Some((message, extras)) = find_message(&mut tx, user, &key).await? else {
                continue;
            };
            if downloadable_at(&extras, key.index)?.is_none() {
                continue;
            }
            catalogue_message(&mut tx, user, message, &extras, now).await?;
            let reason = serde_json::to_string(&skip.reason)
                .map_err(|error| corrupt("skip reason", error))?;
            recorded += sqlx::query(
                "UPDATE message_attachments SET state = 'skipped', skip_json = $1, \
                 updated_at = $2 WHERE message_id = $3 AND attachment_index = $4 \
                 AND state <> 'stored'",
            )
            .bind(reason)
            .bind(ms(now))
            .bind(message)
            .bind(i64::from(key.index))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(recorded)
    }

    async fn stored_attachment(
        &self,
        user: UserId,
        key: &AttachmentKey,
    ) -> StoreResult<Option<StoredFile>> {
        let row = sqlx::query(
            "SELECT a.sha256, a.media_type, a.byte_size, a.name FROM message_attachments a \
             JOIN messages m ON m.id = a.message_id \
             WHERE m.user_id = $1 AND m.urn = $2 AND a.attachment_index = $3 \
             AND a.state = 'stored'",
        )
        .bind(user.0)
        .bind(key.message.to_string())
        .bind(i64::from(key.index))
        .fetch_optional(&self.read_pool)
        .await?;
        row.as_ref().map(file_from_row).transpose()
    }

    async fn conversation_attachments(
        &self,
        user: UserId,
        conversation: ConversationId,
    ) -> StoreResult<Vec<AttachmentView>> {
        let messages = sqlx::query(&format!(
            "SELECT m.id, m.urn, m.extras_json FROM messages m \
             WHERE m.user_id = $1 AND m.conversation_id = $2 AND {HAS_MEDIA} \
             ORDER BY m.delivered_at, m.id"
        ))
        .bind(user.0)
        .bind(conversation.0)
        .fetch_all(&self.read_pool)
        .await?;
        // Two reads for the whole conversation, however many messages carry media.
        let state_rows = sqlx::query(
            "SELECT a.message_id, a.attachment_index, a.state, a.sha256, a.media_type, \
             a.byte_size, a.name, a.skip_json FROM message_attachments a \
             JOIN messages m ON m.id = a.message_id \
             WHERE m.user_id = $1 AND m.conversation_id = $2",
        )
        .bind(user.0)
        .bind(conversation.0)
        .fetch_all(&self.read_pool)
        .await?;
        let mut states = HashMap::new();
        for row in &state_rows {
            let at: (i64, i64) = (row.try_get("message_id")?, row.try_get("attachment_index")?);
            states.insert(at, state_from_row(row)?);
        }
        let mut views = Vec::new();
        for message in messages {
            let id: i64 = message.try_get("id")?;
            let urn: String = message.try_get("urn")?;
            let extras: String = message.try_get("extras_json")?;
            for (index, attachment) in attachments_of(&extras)?.into_iter().enumerate() {
                if !downloadable(&attachment) {
                    continue;
                }
                views.push(AttachmentView {
                    message_urn: urn.clone(),
                    index: index as u32,
                    kind: attachment.kind,
                    name: attachment.name,
                    declared_size: attachment.byte_size,
                    state: states
                        .remove(&(id, index as i64))
                        .unwrap_or(AttachmentState::Pending),
                });
            }
        }
        Ok(views)
    }

    async fn stored_attachments(&self, user: UserId) -> StoreResult<Vec<StoredAttachment>> {
        let rows = sqlx::query(
            "SELECT m.urn, a.attachment_index, a.sha256, a.media_type, a.byte_size, a.name \
             FROM message_attachments a JOIN messages m ON m.id = a.message_id \
             WHERE a.user_id = $1 AND a.state = 'stored' \
             ORDER BY m.delivered_at, m.id, a.attachment_index",
        )
        .bind(user.0)
        .fetch_all(&self.read_pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredAttachment {
                    message_urn: row.try_get("urn")?,
                    index: row.try_get::<i64, _>("attachment_index")?.max(0) as u32,
                    file: file_from_row(row)?,
                })
            })
            .collect()
    }

    async fn storage_use(&self, user: UserId) -> StoreResult<StorageUse> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS files, CAST(COALESCE(SUM(byte_size), 0) AS BIGINT) AS bytes FROM \
             (SELECT sha256, MIN(byte_size) AS byte_size FROM message_attachments \
             WHERE user_id = $1 AND state = 'stored' GROUP BY sha256) AS distinct_files",
        )
        .bind(user.0)
        .fetch_one(&self.read_pool)
        .await?;
        Ok(StorageUse {
            files: row.try_get::<i64, _>("files")?.max(0) as u64,
            bytes: row.try_get::<i64, _>("bytes")?.max(0) as u64,
        })
    }
}
