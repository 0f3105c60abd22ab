//! The web UI's paginated reads, through the read pool. Every page is one index range (keyset
//! pagination): rows after the cursor, `limit + 1` of them to know whether there are more.

use async_trait::async_trait;
use ping_core::model::ConversationFolder;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::views::participant_from_row;
use super::{SqlStore, get_flag, get_folder, get_opt_time, get_time};
use crate::ids::{ContactId, ConversationId, UserId};
use crate::store::{
    ContactKind, ContactSummary, ConversationHead, ConversationPage, ConversationSummary, Cursor,
    Direction, FolderCount, MessageView, Page, PageStore, StoreResult, TimelineMessage,
};

/// The latest message of every contact: per conversation its newest message that was not
/// recalled (one backward step on `messages_conversation`), then the newest of the contact's
/// conversations. The page is cut before the preview is read, so previews cost `limit` lookups.
const CONTACTS_PAGE: &str = "\
WITH conversation_last AS (
    SELECT v.id AS conversation_id,
        (SELECT m.delivered_at FROM messages m
         WHERE m.conversation_id = v.id AND m.state <> 'recalled'
         ORDER BY m.delivered_at DESC LIMIT 1) AS at
    FROM conversations v WHERE v.user_id = $1
), contact_last AS (
    SELECT p.contact_id, MAX(l.at) AS at FROM conversation_participants p
    JOIN conversation_last l ON l.conversation_id = p.conversation_id
    GROUP BY p.contact_id
), listed AS (
    SELECT c.id, c.kind, c.display_name, c.headline, c.title, c.company, c.avatar_hash,
        l.at AS last_message_at, COALESCE(l.at, 0) AS sort_at
    FROM contacts c LEFT JOIN contact_last l ON l.contact_id = c.id WHERE c.user_id = $1
), page AS (
    SELECT * FROM listed
    WHERE sort_at < $2 OR (sort_at = $2 AND (display_name > $3 OR (display_name = $3 AND id > $4)))
    ORDER BY sort_at DESC, display_name, id LIMIT $5
)
SELECT page.*,
    (SELECT m.body FROM conversation_participants p
     JOIN messages m ON m.conversation_id = p.conversation_id
     WHERE p.contact_id = page.id AND m.delivered_at = page.last_message_at
       AND m.state <> 'recalled'
     ORDER BY m.id DESC LIMIT 1) AS last_message
FROM page ORDER BY sort_at DESC, display_name, id";

const MESSAGE_COLUMNS: &str = "m.id, m.urn, m.direction, m.delivered_at, m.subject, m.body, \
     m.state, s.display_name AS sender_name";

/// Messages of one conversation older than a cursor, newest first.
const MESSAGES_BEFORE: &str = "FROM messages m LEFT JOIN contacts s ON s.id = m.sender_contact_id \
     WHERE m.conversation_id = $1 AND (m.delivered_at < $2 OR (m.delivered_at = $2 AND m.id < $3)) \
     ORDER BY m.delivered_at DESC, m.id DESC LIMIT $4";

const HEAD_COLUMNS: &str = "v.id, v.title, v.group_chat, v.folder, v.last_activity_at, \
     (SELECT COUNT(*) FROM conversation_participants q WHERE q.conversation_id = v.id) \
     AS participant_count";

/// The conversations list: one keyset range of `conversations_keyset` (or, with a folder,
/// `conversations_folder_keyset`), newest activity first.
const CONVERSATIONS_AFTER: &str = "FROM conversations v \
     WHERE v.user_id = $1 AND v.deleted_at IS NULL \
     AND (v.last_activity_at < $2 OR (v.last_activity_at = $2 AND v.id < $3))";

/// The first participant of a conversation by name, for a list row.
const FIRST_PARTICIPANT: &str = "(SELECT c.display_name FROM conversation_participants q \
     JOIN contacts c ON c.id = q.contact_id WHERE q.conversation_id = v.id \
     ORDER BY c.display_name, c.id LIMIT 1) AS first_participant";

fn message_from_row(row: &AnyRow) -> StoreResult<(Cursor, MessageView)> {
    let delivered_at = get_time(row, "delivered_at")?;
    let cursor = Cursor {
        at: delivered_at.timestamp_millis(),
        id: row.try_get("id")?,
    };
    Ok((
        cursor,
        MessageView {
            urn: row.try_get("urn")?,
            sender_name: row.try_get("sender_name")?,
            direction: Direction::parse(&row.try_get::<String, _>("direction")?),
            delivered_at,
            subject: row.try_get("subject")?,
            body: row.try_get("body")?,
            state: row.try_get("state")?,
        },
    ))
}

fn head_from_row(row: &AnyRow) -> StoreResult<ConversationHead> {
    Ok(ConversationHead {
        id: ConversationId(row.try_get("id")?),
        title: row.try_get("title")?,
        group_chat: get_flag(row, "group_chat")?,
        folder: get_folder(row, "folder")?,
        last_activity_at: get_time(row, "last_activity_at")?,
        participant_count: row.try_get::<i64, _>("participant_count")?.max(0) as u64,
    })
}

/// Cuts `limit + 1` rows to a page: the extra row only says there is an older page.
pub(super) fn page<T>(mut rows: Vec<(Cursor, T)>, limit: u32) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let older = more
        .then(|| rows.last().map(|(cursor, _)| cursor.to_string()))
        .flatten();
    Page {
        items: rows.into_iter().map(|(_, item)| item).collect(),
        older,
    }
}

/// The first page starts after every row.
pub(super) fn start(before: Option<Cursor>) -> Cursor {
    before.unwrap_or(Cursor {
        at: i64::MAX,
        id: i64::MAX,
    })
}

impl SqlStore {
    /// Up to `limit + 1` messages of one conversation before `before`.
    async fn messages_before(
        &self,
        conversation: i64,
        before: Cursor,
        limit: u32,
    ) -> StoreResult<Vec<(Cursor, MessageView)>> {
        sqlx::query(&format!("SELECT {MESSAGE_COLUMNS} {MESSAGES_BEFORE}"))
            .bind(conversation)
            .bind(before.at)
            .bind(before.id)
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.read_pool)
            .await?
            .iter()
            .map(message_from_row)
            .collect()
    }
}

#[async_trait]
impl PageStore for SqlStore {
    async fn contacts_page(
        &self,
        user: UserId,
        after: Option<Cursor>,
        limit: u32,
    ) -> StoreResult<Page<ContactSummary>> {
        let after = start(after);
        // The cursor names the last contact shown; its name is the middle of the sort key.
        let name: String = match after.id {
            i64::MAX => String::new(),
            id => sqlx::query("SELECT display_name FROM contacts WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user.0)
                .fetch_optional(&self.read_pool)
                .await?
                .map(|row| row.try_get("display_name"))
                .transpose()?
                .unwrap_or_default(),
        };
        let rows = sqlx::query(CONTACTS_PAGE)
            .bind(user.0)
            .bind(after.at)
            .bind(name)
            .bind(after.id)
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.read_pool)
            .await?;
        let rows = rows
            .iter()
            .map(|row| {
                let id = row.try_get("id")?;
                let cursor = Cursor {
                    at: row.try_get("sort_at")?,
                    id,
                };
                let summary = ContactSummary {
                    id: ContactId(id),
                    kind: ContactKind::parse(&row.try_get::<String, _>("kind")?),
                    display_name: row.try_get("display_name")?,
                    headline: row.try_get("headline")?,
                    title: row.try_get("title")?,
                    company: row.try_get("company")?,
                    avatar_hash: row.try_get("avatar_hash")?,
                    last_message: row.try_get("last_message")?,
                    last_message_at: get_opt_time(row, "last_message_at")?,
                };
                Ok((cursor, summary))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(page(rows, limit))
    }

    async fn conversations_page(
        &self,
        user: UserId,
        folder: Option<ConversationFolder>,
        after: Option<Cursor>,
        limit: u32,
    ) -> StoreResult<Page<ConversationSummary>> {
        let after = start(after);
        let in_folder = if folder.is_some() {
            "AND v.folder = $5"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {HEAD_COLUMNS}, {FIRST_PARTICIPANT} {CONVERSATIONS_AFTER} {in_folder} \
             ORDER BY v.last_activity_at DESC, v.id DESC LIMIT $4"
        );
        let mut query = sqlx::query(&sql)
            .bind(user.0)
            .bind(after.at)
            .bind(after.id)
            .bind(i64::from(limit) + 1);
        if let Some(folder) = folder {
            query = query.bind(folder.as_str());
        }
        let rows = query
            .fetch_all(&self.read_pool)
            .await?
            .iter()
            .map(|row| {
                let head = head_from_row(row)?;
                let cursor = Cursor {
                    at: head.last_activity_at.timestamp_millis(),
                    id: head.id.0,
                };
                let summary = ConversationSummary {
                    head,
                    first_participant: row.try_get("first_participant")?,
                };
                Ok((cursor, summary))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(page(rows, limit))
    }

    async fn folder_counts(&self, user: UserId) -> StoreResult<Vec<FolderCount>> {
        let rows = sqlx::query(
            "SELECT folder, COUNT(*) AS count FROM conversations \
             WHERE user_id = $1 AND deleted_at IS NULL GROUP BY folder",
        )
        .bind(user.0)
        .fetch_all(&self.read_pool)
        .await?;
        let mut counts = ConversationFolder::ALL.map(|folder| FolderCount { folder, count: 0 });
        for row in &rows {
            let folder = get_folder(row, "folder")?;
            let count = row.try_get::<i64, _>("count")?.max(0) as u64;
            if let Some(entry) = counts.iter_mut().find(|entry| entry.folder == folder) {
                entry.count = count;
            }
        }
        Ok(counts.to_vec())
    }

    async fn contact_conversation_heads(
        &self,
        user: UserId,
        id: ContactId,
        limit: u32,
    ) -> StoreResult<Vec<ConversationHead>> {
        sqlx::query(&format!(
            "SELECT {HEAD_COLUMNS} FROM conversation_participants p \
             JOIN conversations v ON v.id = p.conversation_id \
             WHERE p.contact_id = $1 AND v.user_id = $2 AND v.deleted_at IS NULL \
             ORDER BY v.last_activity_at DESC, v.id DESC LIMIT $3"
        ))
        .bind(id.0)
        .bind(user.0)
        .bind(i64::from(limit))
        .fetch_all(&self.read_pool)
        .await?
        .iter()
        .map(head_from_row)
        .collect()
    }

    async fn contact_timeline(
        &self,
        user: UserId,
        id: ContactId,
        before: Option<Cursor>,
        limit: u32,
    ) -> StoreResult<Page<TimelineMessage>> {
        let before = start(before);
        let conversations = sqlx::query(
            "SELECT v.id, v.title, v.group_chat FROM conversation_participants p \
             JOIN conversations v ON v.id = p.conversation_id \
             WHERE p.contact_id = $1 AND v.user_id = $2 AND v.deleted_at IS NULL",
        )
        .bind(id.0)
        .bind(user.0)
        .fetch_all(&self.read_pool)
        .await?;
        // One index range per conversation, merged here: no sort over a big group's history.
        let mut rows = Vec::new();
        for conversation in &conversations {
            let conversation_id: i64 = conversation.try_get("id")?;
            let title: Option<String> = conversation.try_get("title")?;
            let group_chat = get_flag(conversation, "group_chat")?;
            for (cursor, message) in self.messages_before(conversation_id, before, limit).await? {
                rows.push((
                    cursor,
                    TimelineMessage {
                        message,
                        conversation_id: ConversationId(conversation_id),
                        conversation_title: title.clone(),
                        group_chat,
                    },
                ));
            }
        }
        rows.sort_by_key(|(cursor, _)| std::cmp::Reverse((cursor.at, cursor.id)));
        rows.truncate(limit as usize + 1);
        Ok(page(rows, limit))
    }

    async fn conversation_page(
        &self,
        user: UserId,
        id: ConversationId,
        before: Option<Cursor>,
        limit: u32,
        participants: u32,
    ) -> StoreResult<Option<ConversationPage>> {
        let Some(head) = sqlx::query(&format!(
            "SELECT {HEAD_COLUMNS} FROM conversations v \
             WHERE v.id = $1 AND v.user_id = $2 AND v.deleted_at IS NULL"
        ))
        .bind(id.0)
        .bind(user.0)
        .fetch_optional(&self.read_pool)
        .await?
        else {
            return Ok(None);
        };
        let head = head_from_row(&head)?;
        let participants = sqlx::query(
            "SELECT c.id, c.display_name, c.avatar_hash FROM conversation_participants p \
             JOIN contacts c ON c.id = p.contact_id WHERE p.conversation_id = $1 \
             ORDER BY c.display_name, c.id LIMIT $2",
        )
        .bind(id.0)
        .bind(i64::from(participants))
        .fetch_all(&self.read_pool)
        .await?
        .iter()
        .map(participant_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
        let messages = self.messages_before(id.0, start(before), limit).await?;
        Ok(Some(ConversationPage {
            head,
            participants,
            messages: page(messages, limit),
        }))
    }
}
