//! Attempts counted for rate limits.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use super::{SqlStore, ms};
use crate::store::{RateLimitStore, StoreResult};

#[async_trait]
impl RateLimitStore for SqlStore {
    async fn record_attempt(&self, keys: &[String], at: DateTime<Utc>) -> StoreResult<()> {
        for key in keys {
            sqlx::query("INSERT INTO rate_limit_events (scope_key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(ms(at))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn count_attempts(&self, key: &str, since: DateTime<Utc>) -> StoreResult<u64> {
        let count: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM rate_limit_events WHERE scope_key = $1 AND at > $2",
        )
        .bind(key)
        .bind(ms(since))
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        Ok(count.unsigned_abs())
    }
}
