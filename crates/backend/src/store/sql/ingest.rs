//! Push batches and profiles: one transaction each, idempotent by URN.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::ProfileUrn;
use ping_core::model::Profile;
use ping_protocol::{AvatarRequest, BackfillRequest, MissingField, PushCounts};
use sqlx::{AnyConnection, Row as _};

use super::contacts::{Change, Mode, upsert_contact};
use super::{SqlStore, ms};
use crate::contact_merge;
use crate::ids::UserId;
use crate::store::{
    ConversationRow, IngestBatch, IngestCounts, IngestStore, MessageRow, StoreResult,
};

fn count(counts: &mut PushCounts, change: Change) {
    match change {
        Change::Created => counts.created += 1,
        Change::Updated => counts.updated += 1,
        Change::Unchanged => counts.unchanged += 1,
    }
}

async fn upsert_account(
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

async fn upsert_conversation(
    conn: &mut AnyConnection,
    user: UserId,
    account_id: i64,
    row: &ConversationRow,
    now: DateTime<Utc>,
) -> StoreResult<(i64, Change)> {
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
            "UPDATE conversations SET kind = $1, group_chat = $2, title = $3, record_json = $4, \
             fingerprint = $5, last_activity_at = $6, deleted_at = NULL, updated_at = $7 \
             WHERE id = $8",
        )
        .bind(&row.kind)
        .bind(i64::from(row.group_chat))
        .bind(row.title.clone())
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
        "INSERT INTO conversations (user_id, account_id, urn, kind, group_chat, title, \
         record_json, fingerprint, last_activity_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(user.0)
    .bind(account_id)
    .bind(&row.urn)
    .bind(&row.kind)
    .bind(i64::from(row.group_chat))
    .bind(row.title.clone())
    .bind(&row.record_json)
    .bind(&row.fingerprint)
    .bind(ms(row.last_activity_at))
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok((inserted.try_get("id")?, Change::Created))
}

async fn contact_id_by_urn(
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

async fn upsert_message(
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
        sqlx::query(
            "UPDATE messages SET sender_urn = $1, sender_contact_id = $2, direction = $3, \
             delivered_at = $4, subject = $5, body = $6, state = $7, extras_json = $8, \
             fingerprint = $9, updated_at = $10 WHERE id = $11",
        )
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
        .bind(stored.try_get::<i64, _>("id")?)
        .execute(&mut *conn)
        .await?;
        return Ok(Change::Updated);
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
        for urn in &batch.deleted_conversations {
            sqlx::query(
                "UPDATE conversations SET deleted_at = $1 \
                 WHERE user_id = $2 AND urn = $3 AND deleted_at IS NULL",
            )
            .bind(ms(now))
            .bind(user.0)
            .bind(urn)
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
        profiles: &[Profile],
        now: DateTime<Utc>,
    ) -> StoreResult<PushCounts> {
        let mut tx = self.begin_write().await?;
        let mut counts = PushCounts::default();
        for profile in profiles {
            let upsert = contact_merge::from_profile(profile);
            let enriched = upsert_contact(&mut tx, user, &upsert, now, Mode::EnrichOnly).await?;
            count(
                &mut counts,
                enriched.map_or(Change::Unchanged, |(_, change)| change),
            );
        }
        tx.commit().await?;
        Ok(counts)
    }
}
