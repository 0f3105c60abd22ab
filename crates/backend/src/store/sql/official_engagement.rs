//! `official_engagements`, `official_engagement_sync`, and the job's marks on
//! `official_connections`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{SqlStore, get_opt_time, get_time, ms};
use crate::ids::{ContactId, UserId};
use crate::store::{
    EngagementKind, EngagementRecord, EngagementState, EngagementStore, EngagementSync,
    NewEngagement, StoreError, StoreResult,
};

const ENGAGEMENT_COLUMNS: &str = "e.engagement_id, e.kind, e.post_urn, e.actor, e.contact_id, \
     c.display_name, e.content, e.occurred_at";

fn engagement_from_row(row: &AnyRow) -> StoreResult<EngagementRecord> {
    let kind: String = row.try_get("kind")?;
    Ok(EngagementRecord {
        engagement_id: row.try_get("engagement_id")?,
        kind: EngagementKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("no engagement kind {kind:?}")))?,
        post_urn: row.try_get("post_urn")?,
        actor: row.try_get("actor")?,
        contact: row.try_get::<Option<i64>, _>("contact_id")?.map(ContactId),
        contact_name: row.try_get("display_name")?,
        content: row.try_get("content")?,
        occurred_at: get_time(row, "occurred_at")?,
    })
}

/// The user's engagement matching `condition` (on `$2`), newest first.
fn engagements_query(condition: &str) -> String {
    format!(
        "SELECT {ENGAGEMENT_COLUMNS} FROM official_engagements e \
         LEFT JOIN contacts c ON c.id = e.contact_id \
         WHERE e.user_id = $1 AND {condition} \
         ORDER BY e.occurred_at DESC, e.id DESC LIMIT 200"
    )
}

#[async_trait]
impl EngagementStore for SqlStore {
    async fn record_engagement(
        &self,
        user: UserId,
        engagement: &NewEngagement,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO official_engagements (user_id, engagement_id, kind, post_urn, actor, \
             contact_id, content, occurred_at, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, (SELECT MIN(contact_id) FROM official_crm_records \
             WHERE user_id = $1 AND member = $5), $6, $7, $8) \
             ON CONFLICT (user_id, engagement_id) DO NOTHING",
        )
        .bind(user.0)
        .bind(&engagement.engagement_id)
        .bind(engagement.kind.name())
        .bind(&engagement.post_urn)
        .bind(&engagement.actor)
        .bind(&engagement.content)
        .bind(ms(engagement.occurred_at))
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(true);
        }
        // Stored already: a changed reaction (LinkedIn keeps its id) or an edited comment
        // replaces the content; the first `occurred_at` and the contact stay.
        sqlx::query(
            "UPDATE official_engagements SET content = $3 \
             WHERE user_id = $1 AND engagement_id = $2 AND content <> $3",
        )
        .bind(user.0)
        .bind(&engagement.engagement_id)
        .bind(&engagement.content)
        .execute(&self.pool)
        .await?;
        Ok(false)
    }

    async fn contact_engagements(
        &self,
        user: UserId,
        contact: ContactId,
    ) -> StoreResult<Vec<EngagementRecord>> {
        sqlx::query(&engagements_query("e.contact_id = $2"))
            .bind(user.0)
            .bind(contact.0)
            .fetch_all(&self.read_pool)
            .await?
            .iter()
            .map(engagement_from_row)
            .collect()
    }

    async fn post_engagements(
        &self,
        user: UserId,
        post_urn: &str,
    ) -> StoreResult<Vec<EngagementRecord>> {
        sqlx::query(&engagements_query("e.post_urn = $2"))
            .bind(user.0)
            .bind(post_urn)
            .fetch_all(&self.read_pool)
            .await?
            .iter()
            .map(engagement_from_row)
            .collect()
    }

    async fn claim_engagement_poll(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        polled_since: DateTime<Utc>,
    ) -> StoreResult<bool> {
        // A first poll inserts its row; a later one moves `polled_at` only when it is due.
        let done = sqlx::query(
            "INSERT INTO official_engagement_sync (user_id, state, polled_at) \
             VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET polled_at = excluded.polled_at \
             WHERE official_engagement_sync.polled_at <= $4 \
             AND (official_engagement_sync.poll_after IS NULL \
                  OR official_engagement_sync.poll_after <= $3)",
        )
        .bind(user.0)
        .bind(EngagementState::Ok.name())
        .bind(ms(now))
        .bind(ms(polled_since))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn save_engagement_sync(&self, user: UserId, sync: &EngagementSync) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO official_engagement_sync (user_id, state, message, throttled, \
             polled_at, poll_after) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, \
             message = excluded.message, throttled = excluded.throttled, \
             polled_at = excluded.polled_at, poll_after = excluded.poll_after",
        )
        .bind(user.0)
        .bind(sync.state.name())
        .bind(sync.message.as_deref())
        .bind(i64::from(sync.throttled))
        .bind(ms(sync.polled_at))
        .bind(sync.poll_after.map(ms))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn get_engagement_sync(&self, user: UserId) -> StoreResult<Option<EngagementSync>> {
        sqlx::query(
            "SELECT state, message, throttled, polled_at, poll_after \
             FROM official_engagement_sync WHERE user_id = $1",
        )
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| {
            let state: String = row.try_get("state")?;
            Ok(EngagementSync {
                state: EngagementState::parse(&state)
                    .ok_or_else(|| StoreError::Corrupt(format!("no engagement state {state:?}")))?,
                message: row.try_get("message")?,
                throttled: u32::try_from(row.try_get::<i64, _>("throttled")?).unwrap_or(u32::MAX),
                polled_at: get_time(&row, "polled_at")?,
                poll_after: get_opt_time(&row, "poll_after")?,
            })
        })
        .transpose()
    }

    async fn connected_users(&self) -> StoreResult<Vec<(UserId, String)>> {
        sqlx::query(
            "SELECT u.id, u.email FROM official_connections c JOIN users u ON u.id = c.user_id \
             ORDER BY u.id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| Ok((UserId(row.try_get("id")?), row.try_get("email")?)))
        .collect()
    }

    async fn claim_reminder(&self, user: UserId, expires_at: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE official_connections SET reminded_for = $2 WHERE user_id = $1 \
             AND access_expires_at = $2 AND (reminded_for IS NULL OR reminded_for <> $2)",
        )
        .bind(user.0)
        .bind(ms(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_reminder(&self, user: UserId) -> StoreResult<()> {
        sqlx::query("UPDATE official_connections SET reminded_for = NULL WHERE user_id = $1")
            .bind(user.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
