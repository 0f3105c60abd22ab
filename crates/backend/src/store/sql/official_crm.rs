//! `official_crm_records`: contacts' CRM Sync records and their associations.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{SqlStore, get_opt_time, ms};
use crate::ids::{ContactId, UserId};
use crate::official::associations::{AssociationOutcome, AssociationState, CrmRecordKey};
use crate::store::{CrmRecord, CrmRecordStore, StoreError, StoreResult};

const RECORD_COLUMNS: &str = "r.contact_id, c.display_name, r.partner, r.instance_id, \
     r.record_id, r.state, r.member, r.profile_url, r.photo_url, c.avatar_hash, r.message, r.throttled, \
     r.checked_at, r.check_after";

fn record_from_row(row: &AnyRow) -> StoreResult<CrmRecord> {
    let state: String = row.try_get("state")?;
    Ok(CrmRecord {
        contact: ContactId(row.try_get("contact_id")?),
        contact_name: row.try_get("display_name")?,
        key: CrmRecordKey {
            partner: row.try_get("partner")?,
            instance_id: row.try_get("instance_id")?,
            record_id: row.try_get("record_id")?,
        },
        state: AssociationState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("no association state {state:?}")))?,
        member: row.try_get("member")?,
        profile_url: row.try_get("profile_url")?,
        photo_url: row.try_get("photo_url")?,
        avatar_hash: row.try_get("avatar_hash")?,
        message: row.try_get("message")?,
        throttled: u32::try_from(row.try_get::<i64, _>("throttled")?).unwrap_or(u32::MAX),
        checked_at: get_opt_time(row, "checked_at")?,
        check_after: get_opt_time(row, "check_after")?,
    })
}

#[async_trait]
impl CrmRecordStore for SqlStore {
    async fn set_crm_record(
        &self,
        user: UserId,
        contact: ContactId,
        key: &CrmRecordKey,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO official_crm_records (user_id, contact_id, partner, instance_id, \
             record_id, state) SELECT user_id, id, $3, $4, $5, $6 FROM contacts \
             WHERE id = $2 AND user_id = $1 \
             ON CONFLICT (user_id, contact_id) DO UPDATE SET partner = excluded.partner, \
             instance_id = excluded.instance_id, record_id = excluded.record_id, \
             state = excluded.state, member = NULL, profile_url = NULL, photo_url = NULL, \
             message = NULL, throttled = 0, checked_at = NULL, check_after = NULL",
        )
        .bind(user.0)
        .bind(contact.0)
        .bind(&key.partner)
        .bind(&key.instance_id)
        .bind(&key.record_id)
        .bind(AssociationState::Pending.name())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_crm_records(&self, user: UserId) -> StoreResult<Vec<CrmRecord>> {
        sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM official_crm_records r \
             JOIN contacts c ON c.id = r.contact_id \
             WHERE r.user_id = $1 ORDER BY c.display_name, r.contact_id"
        ))
        .bind(user.0)
        .fetch_all(&self.read_pool)
        .await?
        .iter()
        .map(record_from_row)
        .collect()
    }

    async fn contact_crm_record(
        &self,
        user: UserId,
        contact: ContactId,
    ) -> StoreResult<Option<CrmRecord>> {
        sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM official_crm_records r \
             JOIN contacts c ON c.id = r.contact_id \
             WHERE r.user_id = $1 AND r.contact_id = $2"
        ))
        .bind(user.0)
        .bind(contact.0)
        .fetch_optional(&self.read_pool)
        .await?
        .as_ref()
        .map(record_from_row)
        .transpose()
    }

    async fn due_crm_records(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<CrmRecord>> {
        sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM official_crm_records r \
             JOIN contacts c ON c.id = r.contact_id \
             WHERE r.user_id = $1 AND (r.check_after IS NULL OR r.check_after <= $2) \
             ORDER BY r.checked_at IS NOT NULL, r.checked_at, r.contact_id LIMIT $3"
        ))
        .bind(user.0)
        .bind(ms(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(record_from_row)
        .collect()
    }

    async fn record_association(
        &self,
        user: UserId,
        contact: ContactId,
        outcome: &AssociationOutcome,
        checked_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE official_crm_records SET state = $3, member = $4, profile_url = $5, \
             photo_url = $6, message = $7, throttled = $8, checked_at = $9, check_after = $10 \
             WHERE user_id = $1 AND contact_id = $2",
        )
        .bind(user.0)
        .bind(contact.0)
        .bind(outcome.state.name())
        .bind(outcome.member.as_deref())
        .bind(outcome.profile_url.as_deref())
        .bind(outcome.photo_url.as_deref())
        .bind(outcome.message.as_deref())
        .bind(i64::from(outcome.throttled))
        .bind(ms(checked_at))
        .bind(outcome.check_after.map(ms))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(());
        }
        // Engagement polled before the match is attached now.
        if let Some(member) = &outcome.member {
            sqlx::query(
                "UPDATE official_engagements SET contact_id = $2 \
                 WHERE user_id = $1 AND actor = $3 AND contact_id IS NULL",
            )
            .bind(user.0)
            .bind(contact.0)
            .bind(member)
            .execute(&mut *tx)
            .await?;
        }
        // The public photo becomes the avatar of a contact without one, through the avatar
        // downloads (the page's CSP shows images from this backend only).
        if let Some(photo) = &outcome.photo_url {
            let queued = sqlx::query(
                "UPDATE contacts SET avatar_url = $3, avatar_state = 'queued' \
                 WHERE id = $2 AND user_id = $1 AND avatar_hash IS NULL \
                 AND avatar_state IN ('none', 'failed')",
            )
            .bind(user.0)
            .bind(contact.0)
            .bind(photo)
            .execute(&mut *tx)
            .await?;
            if queued.rows_affected() == 1 {
                sqlx::query(
                    "INSERT INTO avatar_jobs (user_id, contact_id, url, state, created_at) \
                     VALUES ($1, $2, $3, 'queued', $4)",
                )
                .bind(user.0)
                .bind(contact.0)
                .bind(photo)
                .bind(ms(checked_at))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
