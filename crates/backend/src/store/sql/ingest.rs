//! Push batches and profiles: one transaction each, idempotent by URN, each record accepted or
//! refused by the database on its own ([`super::savepoint`]).

mod together;

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::ProfileUrn;
use ping_protocol::{
    AvatarRequest, BackfillRequest, MissingField, PushCounts, RecordKind, RejectedRecord,
};
use sqlx::{AnyConnection, Row as _};

use super::contacts::{Change, Mode, upsert_contact};
use super::import_links::{adopt_stand_in_account, link_one_to_one};
use super::rows::{contact_id_by_urn, upsert_account, upsert_conversation, upsert_message};
use super::savepoint::{Isolation, Record, written};
use super::{Dialect, SqlStore, ms};
use crate::ids::UserId;
use crate::store::{
    ContactUpsert, ConversationRow, IngestBatch, IngestCounts, IngestStore, MessageRow,
    ProfileCounts, StoreResult,
};
use together::write_together;

fn count(counts: &mut PushCounts, change: Change) {
    match change {
        Change::Created => counts.created += 1,
        Change::Updated => counts.updated += 1,
        Change::Unchanged => counts.unchanged += 1,
    }
}

/// The conversation row of a push and its participants' links.
async fn store_conversation(
    conn: &mut AnyConnection,
    user: UserId,
    account_id: i64,
    row: &ConversationRow,
    contacts: &HashMap<&str, i64>,
    now: DateTime<Utc>,
) -> StoreResult<(i64, Change)> {
    let (id, change) = upsert_conversation(conn, user, account_id, row, now).await?;
    for urn in &row.participant_urns {
        if let Some(contact) = contacts.get(urn.as_str()) {
            sqlx::query(
                "INSERT INTO conversation_participants (conversation_id, contact_id) \
                 VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(*contact)
            .execute(&mut *conn)
            .await?;
        }
    }
    link_one_to_one(conn, user, id, now).await?;
    Ok((id, change))
}

/// A message of a push; `None` when its conversation is neither in the batch nor stored.
async fn store_message(
    conn: &mut AnyConnection,
    user: UserId,
    row: &MessageRow,
    conversations: &HashMap<&str, i64>,
    contacts: &HashMap<&str, i64>,
    now: DateTime<Utc>,
) -> StoreResult<Option<Change>> {
    let conversation_id = match conversations.get(row.conversation_urn.as_str()) {
        Some(id) => Some(*id),
        None => sqlx::query("SELECT id FROM conversations WHERE user_id = $1 AND urn = $2")
            .bind(user.0)
            .bind(&row.conversation_urn)
            .fetch_optional(&mut *conn)
            .await?
            .map(|found| found.try_get::<i64, _>("id"))
            .transpose()?,
    };
    let Some(conversation_id) = conversation_id else {
        return Ok(None);
    };
    let sender = match &row.sender_urn {
        Some(urn) => match contacts.get(urn.as_str()) {
            Some(id) => Some(*id),
            None => contact_id_by_urn(conn, user, urn).await?,
        },
        None => None,
    };
    upsert_message(conn, user, conversation_id, sender, row, now)
        .await
        .map(Some)
}

async fn hide_conversation(
    conn: &mut AnyConnection,
    user: UserId,
    urn: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE conversations SET deleted_at = $1 \
         WHERE user_id = $2 AND urn = $3 AND deleted_at IS NULL",
    )
    .bind(ms(now))
    .bind(user.0)
    .bind(urn)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn refuse(counts: &mut IngestCounts, kind: RecordKind, index: usize, urn: &str, reason: String) {
    counts.refused.push(RejectedRecord {
        kind,
        index,
        urn: Some(urn.to_owned()),
        reason,
    });
}

impl SqlStore {
    /// Writes a push in one transaction: in one go with a few statements per list
    /// ([`write_together`]), or with [`Isolation::EachRecord`] record by record, where a record
    /// the database refuses is undone and reported alone (and so are the records that depend
    /// on it: a conversation whose participant was refused, a message whose conversation was).
    async fn write_batch(
        &self,
        user: UserId,
        batch: &IngestBatch,
        now: DateTime<Utc>,
        isolation: Isolation,
    ) -> StoreResult<IngestCounts> {
        let mut tx = self.begin_write().await?;
        if self.dialect == Dialect::Postgres {
            // Each statement planned for its own keys. A prepared statement's plan would
            // otherwise be kept from the first pushes, made while the tables were small, and
            // later read every row of the user to find a few URNs.
            sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
                .execute(&mut *tx)
                .await?;
        }
        let account_id = upsert_account(&mut tx, user, batch, now).await?;
        adopt_stand_in_account(&mut tx, user, account_id, &batch.account).await?;
        let counts = match isolation {
            Isolation::Together => write_together(&mut tx, user, account_id, batch, now).await?,
            Isolation::EachRecord => {
                write_each_record(&mut tx, user, account_id, batch, now).await?
            }
        };
        tx.commit().await?;
        Ok(counts)
    }
}

/// The records of a push one by one, each in a savepoint of its own.
async fn write_each_record(
    conn: &mut AnyConnection,
    user: UserId,
    account_id: i64,
    batch: &IngestBatch,
    now: DateTime<Utc>,
) -> StoreResult<IngestCounts> {
    let isolation = Isolation::EachRecord;
    let mut counts = IngestCounts::default();
    let mut contacts: HashMap<&str, i64> = HashMap::new();
    let mut refused_contacts: HashMap<&str, String> = HashMap::new();
    for contact in &batch.contacts {
        let record = Record::start(conn, isolation).await?;
        let upserted = upsert_contact(conn, user, contact, now, Mode::Upsert).await;
        let outcome = record.finish(conn, upserted).await?;
        match (outcome, &contact.urn) {
            (Ok(Some((id, _))), Some(urn)) => {
                contacts.insert(urn, id.0);
            }
            (Err(reason), Some(urn)) => {
                refused_contacts.insert(urn, reason);
            }
            _ => {}
        }
    }
    let mut conversations: HashMap<&str, i64> = HashMap::new();
    let mut refused_conversations: HashMap<&str, String> = HashMap::new();
    for row in &batch.conversations {
        let kind = RecordKind::Conversation;
        let refused_participant = row.participant_urns.iter().find_map(|urn| {
            let reason = refused_contacts.get(urn.as_str())?;
            Some(format!("its participant {urn} was refused: {reason}"))
        });
        if let Some(reason) = refused_participant {
            refuse(&mut counts, kind, row.index, &row.urn, reason.clone());
            refused_conversations.insert(&row.urn, reason);
            continue;
        }
        let record = Record::start(conn, isolation).await?;
        let stored = store_conversation(conn, user, account_id, row, &contacts, now).await;
        match record.finish(conn, stored).await? {
            Ok((id, change)) => {
                count(&mut counts.conversations, change);
                conversations.insert(&row.urn, id);
            }
            Err(reason) => {
                refuse(&mut counts, kind, row.index, &row.urn, reason.clone());
                refused_conversations.insert(&row.urn, reason);
            }
        }
    }
    for row in &batch.messages {
        let kind = RecordKind::Message;
        if let Some(reason) = refused_conversations.get(row.conversation_urn.as_str()) {
            let reason = format!("its conversation was refused: {reason}");
            refuse(&mut counts, kind, row.index, &row.urn, reason);
            continue;
        }
        let record = Record::start(conn, isolation).await?;
        let stored = store_message(conn, user, row, &conversations, &contacts, now).await;
        match record.finish(conn, stored).await? {
            Ok(Some(change)) => count(&mut counts.messages, change),
            Ok(None) => counts.orphaned_messages.push((row.index, row.urn.clone())),
            Err(reason) => refuse(&mut counts, kind, row.index, &row.urn, reason),
        }
    }
    for deleted in &batch.deleted_conversations {
        let record = Record::start(conn, isolation).await?;
        let hidden = hide_conversation(conn, user, &deleted.urn, now).await;
        if let Err(reason) = record.finish(conn, hidden).await? {
            let kind = RecordKind::DeletedConversation;
            refuse(&mut counts, kind, deleted.index, &deleted.urn, reason);
        }
    }
    Ok(counts)
}

impl SqlStore {
    async fn write_profiles(
        &self,
        user: UserId,
        profiles: &[(usize, ContactUpsert)],
        now: DateTime<Utc>,
        isolation: Isolation,
    ) -> StoreResult<ProfileCounts> {
        let mut tx = self.begin_write().await?;
        let mut counts = ProfileCounts::default();
        for (index, profile) in profiles {
            let record = Record::start(&mut tx, isolation).await?;
            let enriched = upsert_contact(&mut tx, user, profile, now, Mode::EnrichOnly).await;
            match record.finish(&mut tx, enriched).await? {
                Ok(enriched) => count(
                    &mut counts.profiles,
                    enriched.map_or(Change::Unchanged, |(_, change)| change),
                ),
                Err(reason) => counts.refused.push(RejectedRecord {
                    kind: RecordKind::Profile,
                    index: *index,
                    urn: profile.urn.clone(),
                    reason,
                }),
            }
        }
        tx.commit().await?;
        Ok(counts)
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
        written("a push", |isolation| {
            self.write_batch(user, batch, now, isolation)
        })
        .await
    }

    async fn backfill_requests(
        &self,
        user: UserId,
        limit: u32,
        looked_up_before: DateTime<Utc>,
    ) -> StoreResult<Vec<BackfillRequest>> {
        let rows = sqlx::query(
            "SELECT id, urn, title, company, avatar_hash, avatar_url FROM contacts \
             WHERE user_id = $1 AND kind = 'person' AND urn IS NOT NULL \
             AND (title IS NULL OR company IS NULL OR (avatar_hash IS NULL AND avatar_url IS NULL)) \
             AND (profile_looked_up_at IS NULL OR profile_looked_up_at <= $2) \
             ORDER BY id LIMIT $3",
        )
        .bind(user.0)
        .bind(ms(looked_up_before))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
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
            requests.push(BackfillRequest { member, missing });
        }
        Ok(requests)
    }

    async fn note_profile_lookups(
        &self,
        user: UserId,
        members: &[ProfileUrn],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for member in members {
            sqlx::query(
                "UPDATE contacts SET profile_looked_up_at = $1 WHERE user_id = $2 AND urn = $3",
            )
            .bind(ms(now))
            .bind(user.0)
            .bind(member.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn take_avatar_requests(
        &self,
        user: UserId,
        limit: u32,
        asked_before: DateTime<Utc>,
        now: DateTime<Utc>,
        fetchable: &(dyn for<'u> Fn(&'u str) -> bool + Send + Sync),
    ) -> StoreResult<Vec<AvatarRequest>> {
        let mut tx = self.begin_write().await?;
        let mut requests = Vec::new();
        // Refused URLs leave the queue as they are met, so a few rounds fill the answer.
        while requests.len() < limit as usize {
            let rows = sqlx::query(
                "SELECT id, urn, avatar_url FROM contacts WHERE user_id = $1 \
                 AND kind = 'person' AND avatar_state = 'needs_upload' AND urn IS NOT NULL \
                 AND avatar_url IS NOT NULL \
                 AND (avatar_asked_at IS NULL OR avatar_asked_at <= $2) ORDER BY id LIMIT $3",
            )
            .bind(user.0)
            .bind(ms(asked_before))
            .bind(i64::from(limit) - requests.len() as i64)
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                let id: i64 = row.try_get("id")?;
                let url: String = row.try_get("avatar_url")?;
                let member = ProfileUrn::parse(&row.try_get::<String, _>("urn")?);
                let (state, asked) = match member {
                    Ok(member) if fetchable(&url) => {
                        requests.push(AvatarRequest { member, url });
                        ("needs_upload", Some(ms(now)))
                    }
                    // Never handed to anyone to fetch (SSRF), nor met again.
                    _ => ("failed", None),
                };
                sqlx::query(
                    "UPDATE contacts SET avatar_state = $1, avatar_asked_at = $2 WHERE id = $3",
                )
                .bind(state)
                .bind(asked)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(requests)
    }

    async fn apply_profiles(
        &self,
        user: UserId,
        profiles: &[(usize, ContactUpsert)],
        now: DateTime<Utc>,
    ) -> StoreResult<ProfileCounts> {
        written("a profiles push", |isolation| {
            self.write_profiles(user, profiles, now, isolation)
        })
        .await
    }
}
