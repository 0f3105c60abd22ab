//! Creating and refreshing contacts inside a write transaction (shared by pushes and profiles).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use super::import_links::absorb_slug_twins;
use super::ms;
use super::multi_row::{insert_chunks, value_rows};
use crate::ids::{ContactId, UserId};
use crate::store::{
    AvatarSource, ContactFields, ContactUpsert, StoreError, StoreResult, contact_merge,
};

/// Whether an unknown contact may be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Conversation participants: create or refresh.
    Upsert,
    /// Profiles: refresh people already in the CRM only (a visited profile of someone never
    /// messaged is not added).
    EnrichOnly,
}

/// What an upsert did to the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    Created,
    Updated,
    Unchanged,
}

pub(super) const FIELD_COLUMNS: &str = "id, urn, public_identifier, first_name, last_name, \
     display_name, headline, title, company, location, profile_url, user_edited, avatar_asset_id, \
     avatar_url, avatar_hash, avatar_state";

/// A contact row as an upsert reads it.
pub(super) struct Stored {
    id: ContactId,
    fields: ContactFields,
    user_edited: i64,
    avatar_asset_id: Option<String>,
    avatar_url: Option<String>,
    avatar_hash: Option<String>,
    avatar_state: String,
}

/// The sync-owned columns of a contact row (shared with the library's reads).
pub(super) fn fields_from_row(row: &AnyRow) -> StoreResult<ContactFields> {
    Ok(ContactFields {
        urn: row.try_get("urn")?,
        public_identifier: row.try_get("public_identifier")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        display_name: row.try_get("display_name")?,
        headline: row.try_get("headline")?,
        title: row.try_get("title")?,
        company: row.try_get("company")?,
        location: row.try_get("location")?,
        profile_url: row.try_get("profile_url")?,
    })
}

pub(super) fn stored_from_row(row: &AnyRow) -> StoreResult<Stored> {
    Ok(Stored {
        id: ContactId(row.try_get("id")?),
        fields: fields_from_row(row)?,
        user_edited: row.try_get("user_edited")?,
        avatar_asset_id: row.try_get("avatar_asset_id")?,
        avatar_url: row.try_get("avatar_url")?,
        avatar_hash: row.try_get("avatar_hash")?,
        avatar_state: row.try_get("avatar_state")?,
    })
}

/// Finds the contact by URN, else (a capture with only a public identifier, or a contact first
/// seen by its slug) by public identifier among contacts without a URN or with the same one.
async fn find(
    conn: &mut AnyConnection,
    user: UserId,
    incoming: &ContactUpsert,
) -> StoreResult<Option<Stored>> {
    if let Some(urn) = &incoming.urn {
        let row = sqlx::query(&format!(
            "SELECT {FIELD_COLUMNS} FROM contacts WHERE user_id = $1 AND urn = $2"
        ))
        .bind(user.0)
        .bind(urn)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = row {
            return stored_from_row(&row).map(Some);
        }
    }
    let Some(public_identifier) = &incoming.public_identifier else {
        return Ok(None);
    };
    // A contact with another URN is another member, even with the same slug.
    let urn_rule = if incoming.urn.is_some() {
        "AND urn IS NULL"
    } else {
        ""
    };
    let row = sqlx::query(&format!(
        "SELECT {FIELD_COLUMNS} FROM contacts WHERE user_id = $1 AND public_identifier = $2 \
         {urn_rule} ORDER BY id LIMIT 1"
    ))
    .bind(user.0)
    .bind(public_identifier)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(stored_from_row).transpose()
}

/// Creates (in [`Mode::Upsert`]) or refreshes a contact; queues an avatar download when its
/// picture changed. `None` when the contact is unknown and may not be created.
pub(super) async fn upsert_contact(
    conn: &mut AnyConnection,
    user: UserId,
    incoming: &ContactUpsert,
    now: DateTime<Utc>,
    mode: Mode,
) -> StoreResult<Option<(ContactId, Change)>> {
    let Some(stored) = find(conn, user, incoming).await? else {
        if mode == Mode::EnrichOnly {
            return Ok(None);
        }
        let created = insert_contacts(conn, user, &[incoming], now).await?;
        let id = created.get(&incoming.urn).copied().ok_or_else(|| {
            StoreError::Corrupt(format!(
                "contact {:?} was inserted without an id",
                incoming.urn
            ))
        })?;
        return Ok(Some((id, Change::Created)));
    };
    refresh_contact(conn, user, incoming, stored, Twins::Maybe, now).await
}

/// Whether slug-only contacts may share a refreshed contact's public identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Twins {
    /// Look for them (and join them).
    Maybe,
    /// The caller read that there are none.
    None,
}

/// Refreshes the stored contact `stored` with what a sync says of it.
pub(super) async fn refresh_contact(
    conn: &mut AnyConnection,
    user: UserId,
    incoming: &ContactUpsert,
    stored: Stored,
    twins: Twins,
    now: DateTime<Utc>,
) -> StoreResult<Option<(ContactId, Change)>> {
    let merged = contact_merge::merge(&stored.fields, stored.user_edited, incoming);
    let mut change = Change::Unchanged;
    if merged != stored.fields {
        sqlx::query(
            "UPDATE contacts SET urn = $1, public_identifier = $2, first_name = $3, \
             last_name = $4, display_name = $5, headline = $6, title = $7, company = $8, \
             location = $9, profile_url = $10, updated_at = $11 WHERE id = $12 AND user_id = $13",
        )
        .bind_fields(&merged)
        .bind(ms(now))
        .bind(stored.id.0)
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
        change = Change::Updated;
    }
    if let (Some(_), Some(slug), Twins::Maybe) = (&merged.urn, &incoming.public_identifier, twins) {
        absorb_slug_twins(conn, user, stored.id.0, slug, now).await?;
    }
    if let Some(avatar) = &incoming.avatar {
        let new_picture = match (&avatar.asset_id, &stored.avatar_asset_id) {
            (Some(new), Some(old)) => new != old,
            _ => stored.avatar_hash.is_none() && stored.avatar_url.as_ref() != Some(&avatar.url),
        };
        let waiting = matches!(stored.avatar_state.as_str(), "queued" | "needs_upload");
        if new_picture || (stored.avatar_hash.is_none() && !waiting) {
            queue_avatar(conn, user, stored.id, avatar, now).await?;
        } else if stored.avatar_url.as_ref() != Some(&avatar.url) {
            // Same picture, freshly signed URL: keep it for the extension to fetch.
            sqlx::query("UPDATE contacts SET avatar_url = $1 WHERE id = $2")
                .bind(&avatar.url)
                .bind(stored.id.0)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(Some((stored.id, change)))
}

/// Inserts contacts seen for the first time, a chunk of rows per statement, and queues their
/// pictures; returns each URN's id.
pub(super) async fn insert_contacts(
    conn: &mut AnyConnection,
    user: UserId,
    new: &[&ContactUpsert],
    now: DateTime<Utc>,
) -> StoreResult<HashMap<Option<String>, ContactId>> {
    let mut ids = HashMap::new();
    for chunk in insert_chunks(new) {
        let sql = format!(
            "INSERT INTO contacts (user_id, kind, urn, public_identifier, first_name, last_name, \
             display_name, headline, title, company, location, profile_url, created_at, \
             updated_at) VALUES {} RETURNING id, urn",
            value_rows(1, chunk.len(), 14)
        );
        let mut query = sqlx::query(&sql);
        for contact in chunk {
            query = query
                .bind(user.0)
                .bind(contact.kind.as_str())
                .bind_fields(&contact_merge::new_fields(contact))
                .bind(ms(now))
                .bind(ms(now));
        }
        for row in query.fetch_all(&mut *conn).await? {
            ids.insert(row.try_get("urn")?, ContactId(row.try_get("id")?));
        }
        for contact in chunk {
            if let (Some(avatar), Some(id)) = (&contact.avatar, ids.get(&contact.urn)) {
                queue_avatar(conn, user, *id, avatar, now).await?;
            }
        }
    }
    Ok(ids)
}

async fn queue_avatar(
    conn: &mut AnyConnection,
    user: UserId,
    contact: ContactId,
    avatar: &AvatarSource,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE contacts SET avatar_url = $1, avatar_asset_id = $2, avatar_state = 'queued' \
         WHERE id = $3",
    )
    .bind(&avatar.url)
    .bind(avatar.asset_id.clone())
    .bind(contact.0)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO avatar_jobs (user_id, contact_id, url, expires_at, state, created_at) \
         VALUES ($1, $2, $3, $4, 'queued', $5)",
    )
    .bind(user.0)
    .bind(contact.0)
    .bind(&avatar.url)
    .bind(avatar.expires_at.map(ms))
    .bind(ms(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Binds the ten sync-owned columns in the order the statements above list them.
trait BindFields {
    fn bind_fields(self, fields: &ContactFields) -> Self;
}

impl<'q> BindFields for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_fields(self, fields: &ContactFields) -> Self {
        self.bind(fields.urn.clone())
            .bind(fields.public_identifier.clone())
            .bind(fields.first_name.clone())
            .bind(fields.last_name.clone())
            .bind(fields.display_name.clone())
            .bind(fields.headline.clone())
            .bind(fields.title.clone())
            .bind(fields.company.clone())
            .bind(fields.location.clone())
            .bind(fields.profile_url.clone())
    }
}
