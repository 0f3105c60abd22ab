//! Reading contacts and conversations for the web UI and exports; the user's contact edits.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::contacts::fields_from_row;
use super::pages::{page, start};
use super::search::full_text_query;
use super::{Dialect, SqlStore, get_opt_time, get_time, ms};
use crate::ids::{ContactId, ConversationId, UserId};
use crate::store::{
    ContactEdit, ContactKind, ContactRecord, ContactSummary, ConversationView, Cursor, Direction,
    LibraryStore, Page, SearchHit, StoreResult, edited,
};

const CONTACT_COLUMNS: &str = "id, kind, urn, public_identifier, first_name, last_name, \
     display_name, headline, title, company, location, notes, profile_url, avatar_hash, \
     avatar_url, user_edited";

fn contact_from_row(row: &AnyRow) -> StoreResult<ContactRecord> {
    Ok(ContactRecord {
        id: ContactId(row.try_get("id")?),
        kind: ContactKind::parse(&row.try_get::<String, _>("kind")?),
        fields: fields_from_row(row)?,
        notes: row.try_get("notes")?,
        avatar_hash: row.try_get("avatar_hash")?,
        avatar_url: row.try_get("avatar_url")?,
        user_edited: row.try_get("user_edited")?,
    })
}

const CONVERSATION_COLUMNS: &str = "id, urn, title, kind, group_chat, folder, last_activity_at";

#[async_trait]
impl LibraryStore for SqlStore {
    async fn list_contacts(&self, user: UserId) -> StoreResult<Vec<ContactSummary>> {
        let rows = sqlx::query(
            "SELECT * FROM (SELECT c.id, c.kind, c.display_name, c.headline, c.title, c.company, \
             c.avatar_hash, \
             (SELECT m.body FROM messages m JOIN conversation_participants p \
                ON p.conversation_id = m.conversation_id \
              WHERE p.contact_id = c.id AND m.state <> 'recalled' \
              ORDER BY m.delivered_at DESC, m.id DESC LIMIT 1) \
              AS last_message, \
             (SELECT MAX(m.delivered_at) FROM messages m JOIN conversation_participants p \
                ON p.conversation_id = m.conversation_id \
              WHERE p.contact_id = c.id AND m.state <> 'recalled') \
              AS last_message_at \
             FROM contacts c WHERE c.user_id = $1) listed \
             ORDER BY COALESCE(last_message_at, 0) DESC, display_name",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ContactSummary {
                    id: ContactId(row.try_get("id")?),
                    kind: ContactKind::parse(&row.try_get::<String, _>("kind")?),
                    display_name: row.try_get("display_name")?,
                    headline: row.try_get("headline")?,
                    title: row.try_get("title")?,
                    company: row.try_get("company")?,
                    avatar_hash: row.try_get("avatar_hash")?,
                    last_message: row.try_get("last_message")?,
                    last_message_at: get_opt_time(row, "last_message_at")?,
                })
            })
            .collect()
    }

    async fn export_contacts(&self, user: UserId) -> StoreResult<Vec<ContactRecord>> {
        sqlx::query(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE user_id = $1 ORDER BY display_name, id"
        ))
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(contact_from_row)
        .collect()
    }

    async fn get_contact(&self, user: UserId, id: ContactId) -> StoreResult<Option<ContactRecord>> {
        sqlx::query(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = $1 AND user_id = $2"
        ))
        .bind(id.0)
        .bind(user.0)
        .fetch_optional(&self.read_pool)
        .await?
        .as_ref()
        .map(contact_from_row)
        .transpose()
    }

    async fn find_contact_by_urn(
        &self,
        user: UserId,
        urn: &str,
    ) -> StoreResult<Option<ContactRecord>> {
        sqlx::query(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE user_id = $1 AND urn = $2"
        ))
        .bind(user.0)
        .bind(urn)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(contact_from_row)
        .transpose()
    }

    async fn edit_contact(
        &self,
        user: UserId,
        id: ContactId,
        edit: &ContactEdit,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let Some(stored) = self.get_contact(user, id).await? else {
            return Ok(false);
        };
        let mut bits = stored.user_edited;
        let mut mark = |changed: bool, bit: i64| {
            if changed {
                bits |= bit;
            }
        };
        let fields = &stored.fields;
        mark(edit.display_name != fields.display_name, edited::NAME);
        mark(edit.title != fields.title, edited::TITLE);
        mark(edit.company != fields.company, edited::COMPANY);
        mark(edit.location != fields.location, edited::LOCATION);
        mark(edit.notes != stored.notes, edited::NOTES);
        sqlx::query(
            "UPDATE contacts SET display_name = $1, title = $2, company = $3, location = $4, \
             notes = $5, user_edited = $6, updated_at = $7 WHERE id = $8 AND user_id = $9",
        )
        .bind(&edit.display_name)
        .bind(edit.title.clone())
        .bind(edit.company.clone())
        .bind(edit.location.clone())
        .bind(edit.notes.clone())
        .bind(bits)
        .bind(ms(now))
        .bind(id.0)
        .bind(user.0)
        .execute(&self.pool)
        .await?;
        Ok(true)
    }

    async fn contact_conversations(
        &self,
        user: UserId,
        id: ContactId,
    ) -> StoreResult<Vec<ConversationView>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE user_id = $1 \
             AND deleted_at IS NULL AND id IN \
             (SELECT conversation_id FROM conversation_participants WHERE contact_id = $2) \
             ORDER BY last_activity_at DESC"
        ))
        .bind(user.0)
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        self.conversation_views(rows).await
    }

    async fn get_conversation(
        &self,
        user: UserId,
        id: ConversationId,
    ) -> StoreResult<Option<ConversationView>> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations \
             WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL"
        ))
        .bind(id.0)
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some(self.conversation_view(&row).await?)),
            None => Ok(None),
        }
    }

    async fn all_conversations(&self, user: UserId) -> StoreResult<Vec<ConversationView>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE user_id = $1 \
             AND deleted_at IS NULL ORDER BY last_activity_at DESC"
        ))
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        self.conversation_views(rows).await
    }

    async fn search_messages(
        &self,
        user: UserId,
        query: &str,
        before: Option<Cursor>,
        limit: u32,
    ) -> StoreResult<Page<SearchHit>> {
        let Some(full_text) = full_text_query(self.dialect, query) else {
            return Ok(page(Vec::new(), limit));
        };
        let before = start(before);
        let (source, condition) = match self.dialect {
            Dialect::Sqlite => (
                "messages_fts f JOIN messages m ON m.id = f.rowid",
                "messages_fts MATCH $1",
            ),
            Dialect::Postgres => ("messages m", "m.search @@ to_tsquery('simple', $1)"),
        };
        let rows = sqlx::query(&format!(
            "SELECT m.id, m.conversation_id, m.direction, m.delivered_at, m.body, \
             c.display_name AS sender_name, COALESCE(v.title, '') AS conversation_title \
             FROM {source} JOIN conversations v ON v.id = m.conversation_id \
             LEFT JOIN contacts c ON c.id = m.sender_contact_id \
             WHERE {condition} AND m.user_id = $2 AND v.deleted_at IS NULL \
             AND (m.delivered_at < $3 OR (m.delivered_at = $3 AND m.id < $4)) \
             ORDER BY m.delivered_at DESC, m.id DESC LIMIT $5"
        ))
        .bind(full_text)
        .bind(user.0)
        .bind(before.at)
        .bind(before.id)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.read_pool)
        .await?;
        let hits = rows
            .iter()
            .map(|row| {
                let delivered_at = get_time(row, "delivered_at")?;
                let cursor = Cursor {
                    at: delivered_at.timestamp_millis(),
                    id: row.try_get("id")?,
                };
                let hit = SearchHit {
                    conversation_id: ConversationId(row.try_get("conversation_id")?),
                    conversation_title: row.try_get("conversation_title")?,
                    sender_name: row.try_get("sender_name")?,
                    direction: Direction::parse(&row.try_get::<String, _>("direction")?),
                    delivered_at,
                    body: row.try_get("body")?,
                };
                Ok((cursor, hit))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(page(hits, limit))
    }
}
