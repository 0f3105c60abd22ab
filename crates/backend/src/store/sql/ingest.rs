//! Push batches and profiles: one transaction each, idempotent by URN.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::ProfileUrn;
use ping_protocol::{AvatarRequest, BackfillRequest, MissingField, PushCounts};
use sqlx::Row as _;

use super::contacts::{Change, Mode, upsert_contact};
use super::import_links::{adopt_stand_in_account, link_one_to_one};
use super::rows::{contact_id_by_urn, upsert_account, upsert_conversation, upsert_message};
use super::{SqlStore, ms};
use crate::ids::UserId;
use crate::store::{ContactUpsert, IngestBatch, IngestCounts, IngestStore, StoreResult};

fn count(counts: &mut PushCounts, change: Change) {
    match change {
        Change::Created => counts.created += 1,
        Change::Updated => counts.updated += 1,
        Change::Unchanged => counts.unchanged += 1,
    }
}

#[async_trait]
impl IngestStore for SqlStore {
    async fn ingest_batch(
        &self,
        user: UserId,
        batch: &IngestBatch,
        now: DateTime<Utc>,
    ) -> StoreResult<IngestCounts> {
        let mut tx = self.begin_write().await?;
        let account_id = upsert_account(&mut tx, user, batch, now).await?;
        adopt_stand_in_account(&mut tx, user, account_id, &batch.account).await?;
        let mut contacts: HashMap<String, i64> = HashMap::new();
        for contact in &batch.contacts {
            let upserted = upsert_contact(&mut tx, user, contact, now, Mode::Upsert).await?;
            if let (Some((id, _)), Some(urn)) = (upserted, &contact.urn) {
                contacts.insert(urn.clone(), id.0);
            }
        }
        let mut counts = IngestCounts::default();
        let mut conversations: HashMap<&str, i64> = HashMap::new();
        for row in &batch.conversations {
            let (id, change) = upsert_conversation(&mut tx, user, account_id, row, now).await?;
            count(&mut counts.conversations, change);
            conversations.insert(&row.urn, id);
            for urn in &row.participant_urns {
                if let Some(contact) = contacts.get(urn) {
                    sqlx::query(
                        "INSERT INTO conversation_participants (conversation_id, contact_id) \
                         VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(*contact)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            link_one_to_one(&mut tx, user, id, now).await?;
        }
        for row in &batch.messages {
            let conversation_id = match conversations.get(row.conversation_urn.as_str()) {
                Some(id) => Some(*id),
                None => sqlx::query("SELECT id FROM conversations WHERE user_id = $1 AND urn = $2")
                    .bind(user.0)
                    .bind(&row.conversation_urn)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|found| found.try_get::<i64, _>("id"))
                    .transpose()?,
            };
            let Some(conversation_id) = conversation_id else {
                counts.orphaned_messages.push((row.index, row.urn.clone()));
                continue;
            };
            let sender = match &row.sender_urn {
                Some(urn) => match contacts.get(urn) {
                    Some(id) => Some(*id),
                    None => contact_id_by_urn(&mut tx, user, urn).await?,
                },
                None => None,
            };
            let change = upsert_message(&mut tx, user, conversation_id, sender, row, now).await?;
            count(&mut counts.messages, change);
        }
        for deleted in &batch.deleted_conversations {
            sqlx::query(
                "UPDATE conversations SET deleted_at = $1 \
                 WHERE user_id = $2 AND urn = $3 AND deleted_at IS NULL",
            )
            .bind(ms(now))
            .bind(user.0)
            .bind(&deleted.urn)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(counts)
    }

    async fn take_backfill_requests(
        &self,
        user: UserId,
        limit: u32,
        asked_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<BackfillRequest>> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "SELECT id, urn, title, company, avatar_hash, avatar_url FROM contacts \
             WHERE user_id = $1 AND kind = 'person' AND urn IS NOT NULL \
             AND (title IS NULL OR company IS NULL OR (avatar_hash IS NULL AND avatar_url IS NULL)) \
             AND (backfill_asked_at IS NULL OR backfill_asked_at <= $2) \
             ORDER BY id LIMIT $3",
        )
        .bind(user.0)
        .bind(ms(asked_before))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let mut requests = Vec::new();
        for row in rows {
            let urn: String = row.try_get("urn")?;
            let Ok(member) = ProfileUrn::parse(&urn) else {
                continue;
            };
            let mut missing = Vec::new();
            if row.try_get::<Option<String>, _>("title")?.is_none() {
                missing.push(MissingField::Title);
            }
            if row.try_get::<Option<String>, _>("company")?.is_none() {
                missing.push(MissingField::Company);
            }
            let hash: Option<String> = row.try_get("avatar_hash")?;
            let url: Option<String> = row.try_get("avatar_url")?;
            if hash.is_none() && url.is_none() {
                missing.push(MissingField::Avatar);
            }
            sqlx::query("UPDATE contacts SET backfill_asked_at = $1 WHERE id = $2")
                .bind(ms(now))
                .bind(row.try_get::<i64, _>("id")?)
                .execute(&mut *tx)
                .await?;
            requests.push(BackfillRequest { member, missing });
        }
        tx.commit().await?;
        Ok(requests)
    }

    async fn take_avatar_requests(
        &self,
        user: UserId,
        limit: u32,
        asked_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AvatarRequest>> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "SELECT id, urn, avatar_url FROM contacts WHERE user_id = $1 AND kind = 'person' \
             AND avatar_state = 'needs_upload' AND urn IS NOT NULL AND avatar_url IS NOT NULL \
             AND (avatar_asked_at IS NULL OR avatar_asked_at <= $2) ORDER BY id LIMIT $3",
        )
        .bind(user.0)
        .bind(ms(asked_before))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let mut requests = Vec::new();
        for row in rows {
            let urn: String = row.try_get("urn")?;
            let Ok(member) = ProfileUrn::parse(&urn) else {
                continue;
            };
            sqlx::query("UPDATE contacts SET avatar_asked_at = $1 WHERE id = $2")
                .bind(ms(now))
                .bind(row.try_get::<i64, _>("id")?)
                .execute(&mut *tx)
                .await?;
            requests.push(AvatarRequest {
                member,
                url: row.try_get("avatar_url")?,
            });
        }
        tx.commit().await?;
        Ok(requests)
    }

    async fn apply_profiles(
        &self,
        user: UserId,
        profiles: &[ContactUpsert],
        now: DateTime<Utc>,
    ) -> StoreResult<PushCounts> {
        let mut tx = self.begin_write().await?;
        let mut counts = PushCounts::default();
        for profile in profiles {
            let enriched = upsert_contact(&mut tx, user, profile, now, Mode::EnrichOnly).await?;
            count(
                &mut counts,
                enriched.map_or(Change::Unchanged, |(_, change)| change),
            );
        }
        tx.commit().await?;
        Ok(counts)
    }
}
