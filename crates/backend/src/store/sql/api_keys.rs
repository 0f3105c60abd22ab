//! API keys, and the run that finished a sync request.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_protocol::RunReport;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{SqlStore, get_json, get_opt_time, get_time, ms, on_unique_violation};
use crate::ids::{ApiKeyId, UserId};
use crate::store::{ApiKeyRecord, ApiKeyStore, NewApiKey, StoreResult};

const KEY_COLUMNS: &str = "id, user_id, name, prefix, created_at, last_used_at, revoked_at";

fn key_from_row(row: &AnyRow) -> StoreResult<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        id: ApiKeyId(row.try_get("id")?),
        user: UserId(row.try_get("user_id")?),
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        created_at: get_time(row, "created_at")?,
        last_used_at: get_opt_time(row, "last_used_at")?,
        revoked_at: get_opt_time(row, "revoked_at")?,
    })
}

#[async_trait]
impl ApiKeyStore for SqlStore {
    async fn create_api_key(&self, key: &NewApiKey<'_>) -> StoreResult<ApiKeyId> {
        let id: i64 = sqlx::query(
            "INSERT INTO api_keys (user_id, name, key_hash, prefix, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(key.user.0)
        .bind(key.name)
        .bind(key.key_hash)
        .bind(key.prefix)
        .bind(ms(key.created_at))
        .fetch_one(&self.pool)
        .await
        .map_err(|error| on_unique_violation(error, "API key"))?
        .try_get("id")?;
        Ok(ApiKeyId(id))
    }

    async fn find_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        sqlx::query(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = $1"
        ))
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(key_from_row)
        .transpose()
    }

    async fn touch_api_key(&self, id: ApiKeyId, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(ms(now))
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn list_api_keys(&self, user: UserId) -> StoreResult<Vec<ApiKeyRecord>> {
        sqlx::query(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL \
             ORDER BY created_at DESC, id DESC"
        ))
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(key_from_row)
        .collect()
    }

    async fn revoke_api_key(
        &self,
        user: UserId,
        id: ApiKeyId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE api_keys SET revoked_at = $1 \
             WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(ms(now))
        .bind(id.0)
        .bind(user.0)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn finished_run(&self, user: UserId, request_id: &str) -> StoreResult<Option<RunReport>> {
        sqlx::query(
            "SELECT r.report_json FROM sync_requests q JOIN sync_runs r ON r.id = q.done_run \
             WHERE q.id = $1 AND q.user_id = $2 AND r.user_id = $2",
        )
        .bind(request_id)
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| get_json(&row, "report_json"))
        .transpose()
    }
}
