//! The avatar job queue and the image bytes (kept in the database, so every backend process
//! sharing it can serve them).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::ProfileUrn;
use sqlx::{AnyConnection, Row as _};

use super::{Dialect, SqlStore, get_opt_time, ms};
use crate::ids::{AvatarJobId, ContactId, UserId};
use crate::store::{AvatarImage, AvatarJob, AvatarOutcome, AvatarStore, StoreResult};

/// How often a transient download failure is retried before the browser is asked instead.
const MAX_ATTEMPTS: i64 = 3;

async fn save_image(
    conn: &mut AnyConnection,
    contact: i64,
    image: &AvatarImage,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO avatars (hash, content_type, bytes, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (hash) DO NOTHING",
    )
    .bind(&image.hash)
    .bind(&image.content_type)
    .bind(image.bytes.clone())
    .bind(ms(now))
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE contacts SET avatar_hash = $1, avatar_state = 'stored' WHERE id = $2")
        .bind(&image.hash)
        .bind(contact)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn set_contact_state(conn: &mut AnyConnection, contact: i64, state: &str) -> StoreResult<()> {
    sqlx::query(
        "UPDATE contacts SET avatar_state = $1, avatar_asked_at = NULL \
         WHERE id = $2 AND avatar_state <> 'stored'",
    )
    .bind(state)
    .bind(contact)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl AvatarStore for SqlStore {
    async fn claim_avatar_job(
        &self,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<Option<AvatarJob>> {
        // Several processes may share the queue: Postgres skips rows another one holds; on
        // SQLite the single UPDATE is atomic.
        let lock = match self.dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
        };
        let row = sqlx::query(&format!(
            "UPDATE avatar_jobs SET state = 'running', claimed_at = $1, attempts = attempts + 1 \
             WHERE id = (SELECT id FROM avatar_jobs WHERE state = 'queued' \
             OR (state = 'running' AND claimed_at < $2) ORDER BY id LIMIT 1 {lock}) \
             RETURNING id, user_id, contact_id, url, expires_at, attempts"
        ))
        .bind(ms(now))
        .bind(ms(stale_before))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(AvatarJob {
                id: AvatarJobId(row.try_get("id")?),
                user: UserId(row.try_get("user_id")?),
                contact: ContactId(row.try_get("contact_id")?),
                url: row.try_get("url")?,
                expires_at: get_opt_time(&row, "expires_at")?,
                attempts: row.try_get("attempts")?,
            })
        })
        .transpose()
    }

    async fn finish_avatar_job(
        &self,
        id: AvatarJobId,
        outcome: &AvatarOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let Some(job) = sqlx::query("SELECT contact_id, attempts FROM avatar_jobs WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(());
        };
        let contact: i64 = job.try_get("contact_id")?;
        let attempts: i64 = job.try_get("attempts")?;
        let (state, error) = match outcome {
            AvatarOutcome::Stored(image) => {
                save_image(&mut tx, contact, image, now).await?;
                ("done", None)
            }
            AvatarOutcome::NeedsUpload(reason) => {
                set_contact_state(&mut tx, contact, "needs_upload").await?;
                ("needs_upload", Some(reason))
            }
            AvatarOutcome::Retry(reason) if attempts < MAX_ATTEMPTS => ("queued", Some(reason)),
            AvatarOutcome::Retry(reason) => {
                set_contact_state(&mut tx, contact, "needs_upload").await?;
                ("needs_upload", Some(reason))
            }
            AvatarOutcome::Failed(reason) => {
                set_contact_state(&mut tx, contact, "failed").await?;
                ("failed", Some(reason))
            }
        };
        sqlx::query("UPDATE avatar_jobs SET state = $1, last_error = $2 WHERE id = $3")
            .bind(state)
            .bind(error.cloned())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn store_uploaded_avatar(
        &self,
        user: UserId,
        member: &ProfileUrn,
        image: &AvatarImage,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let Some(contact) = sqlx::query("SELECT id FROM contacts WHERE user_id = $1 AND urn = $2")
            .bind(user.0)
            .bind(member.to_string())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(false);
        };
        let contact: i64 = contact.try_get("id")?;
        save_image(&mut tx, contact, image, now).await?;
        sqlx::query(
            "UPDATE avatar_jobs SET state = 'done' WHERE contact_id = $1 AND state <> 'done'",
        )
        .bind(contact)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn get_avatar(&self, user: UserId, hash: &str) -> StoreResult<Option<AvatarImage>> {
        let row = sqlx::query(
            "SELECT hash, content_type, bytes FROM avatars WHERE hash = $1 AND EXISTS \
             (SELECT 1 FROM contacts WHERE user_id = $2 AND avatar_hash = $1)",
        )
        .bind(hash)
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(AvatarImage {
                hash: row.try_get("hash")?,
                content_type: row.try_get("content_type")?,
                bytes: row.try_get("bytes")?,
            })
        })
        .transpose()
    }
}
