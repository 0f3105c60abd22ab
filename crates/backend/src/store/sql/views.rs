//! Loading a conversation with its participants and messages.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{SqlStore, get_flag, get_folder, get_time};
use crate::ids::{ContactId, ConversationId};
use crate::store::{ConversationView, Direction, MessageView, ParticipantView, StoreResult};

/// A participant row: the contact's `id`, `display_name` and `avatar_hash`.
pub(super) fn participant_from_row(row: &AnyRow) -> StoreResult<ParticipantView> {
    Ok(ParticipantView {
        contact_id: ContactId(row.try_get("id")?),
        display_name: row.try_get("display_name")?,
        avatar_hash: row.try_get("avatar_hash")?,
    })
}

impl SqlStore {
    pub(super) async fn conversation_view(&self, row: &AnyRow) -> StoreResult<ConversationView> {
        let id: i64 = row.try_get("id")?;
        let participants = sqlx::query(
            "SELECT c.id, c.display_name, c.avatar_hash FROM conversation_participants p \
             JOIN contacts c ON c.id = p.contact_id WHERE p.conversation_id = $1 \
             ORDER BY c.display_name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(participant_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
        let messages = sqlx::query(
            "SELECT m.urn, m.direction, m.delivered_at, m.subject, m.body, m.state, \
             c.display_name AS sender_name FROM messages m \
             LEFT JOIN contacts c ON c.id = m.sender_contact_id \
             WHERE m.conversation_id = $1 ORDER BY m.delivered_at, m.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|m| {
            Ok(MessageView {
                urn: m.try_get("urn")?,
                sender_name: m.try_get("sender_name")?,
                direction: Direction::parse(&m.try_get::<String, _>("direction")?),
                delivered_at: get_time(m, "delivered_at")?,
                subject: m.try_get("subject")?,
                body: m.try_get("body")?,
                state: m.try_get("state")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(ConversationView {
            id: ConversationId(id),
            urn: row.try_get("urn")?,
            title: row.try_get("title")?,
            kind: row.try_get("kind")?,
            group_chat: get_flag(row, "group_chat")?,
            folder: get_folder(row, "folder")?,
            last_activity_at: get_time(row, "last_activity_at")?,
            participants,
            messages,
        })
    }

    pub(super) async fn conversation_views(
        &self,
        rows: Vec<AnyRow>,
    ) -> StoreResult<Vec<ConversationView>> {
        let mut views = Vec::with_capacity(rows.len());
        for row in &rows {
            views.push(self.conversation_view(row).await?);
        }
        Ok(views)
    }
}
