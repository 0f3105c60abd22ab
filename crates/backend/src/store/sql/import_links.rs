//! Joining what an import stored to what the live sync stores, in both orders.
//!
//! The export names people by slug and the live sync by member URN, so the same person can
//! first exist twice: a slug-only contact from the import and a URN contact from the sync. The
//! two are joined as soon as something proves they are one person: the only other participant
//! of a 1:1 conversation on both sides, the sender of a message found on both sides, or a
//! profile that carries both keys. Joining moves everything to the URN contact, keeps what the
//! user edited on either, and removes the slug-only row. Names never join anyone.

use chrono::{DateTime, Utc};
use ping_core::ids::ConversationUrn;
use ping_core::model::Account;
use sqlx::{AnyConnection, Row as _};

use super::contacts::Change;
use super::imports::conversation_urn;
use super::ms;
use super::rows::rewrite_message;
use crate::ids::UserId;
use crate::store::import_match::{IMPORTED_MESSAGE_PREFIX, normalize_slug, text_key};
use crate::store::{Direction, MessageRow, StoreResult, edited};

/// The columns a join reads and writes.
const MERGE_COLUMNS: &str = "id, kind, urn, public_identifier, first_name, last_name, \
     display_name, headline, title, company, location, notes, profile_url, email, connected_at, \
     user_edited";

#[derive(Debug, Clone)]
struct MergeRow {
    id: i64,
    kind: String,
    urn: Option<String>,
    public_identifier: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    display_name: String,
    headline: Option<String>,
    title: Option<String>,
    company: Option<String>,
    location: Option<String>,
    notes: Option<String>,
    profile_url: Option<String>,
    email: Option<String>,
    connected_at: Option<i64>,
    user_edited: i64,
}

async fn load(conn: &mut AnyConnection, user: UserId, id: i64) -> StoreResult<Option<MergeRow>> {
    let row = sqlx::query(&format!(
        "SELECT {MERGE_COLUMNS} FROM contacts WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(user.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(MergeRow {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        urn: row.try_get("urn")?,
        public_identifier: row.try_get("public_identifier")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        display_name: row.try_get("display_name")?,
        headline: row.try_get("headline")?,
        title: row.try_get("title")?,
        company: row.try_get("company")?,
        location: row.try_get("location")?,
        notes: row.try_get("notes")?,
        profile_url: row.try_get("profile_url")?,
        email: row.try_get("email")?,
        connected_at: row.try_get("connected_at")?,
        user_edited: row.try_get("user_edited")?,
    }))
}

/// One field of the join: the user's edit on either side wins, else the kept value, else the
/// other one.
fn join_field(
    keep: &mut Option<String>,
    other: Option<String>,
    bit: Option<i64>,
    keep_bits: &mut i64,
    other_bits: i64,
) {
    match bit {
        Some(bit) if other_bits & bit != 0 && *keep_bits & bit == 0 => {
            *keep = other;
            *keep_bits |= bit;
        }
        _ if keep.is_none() => *keep = other,
        _ => {}
    }
}

/// Moves `absorbed` (a slug-only contact) into `kept` (a URN contact) and deletes it.
async fn merge(
    conn: &mut AnyConnection,
    user: UserId,
    mut kept: MergeRow,
    absorbed: MergeRow,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let bits = absorbed.user_edited;
    let mut keep_bits = kept.user_edited;
    if bits & edited::NAME != 0 && keep_bits & edited::NAME == 0 {
        kept.display_name = absorbed.display_name.clone();
        keep_bits |= edited::NAME;
    }
    let pairs = [
        (&mut kept.first_name, absorbed.first_name, None),
        (&mut kept.last_name, absorbed.last_name, None),
        (&mut kept.headline, absorbed.headline, None),
        (&mut kept.title, absorbed.title, Some(edited::TITLE)),
        (&mut kept.company, absorbed.company, Some(edited::COMPANY)),
        (
            &mut kept.location,
            absorbed.location,
            Some(edited::LOCATION),
        ),
        (&mut kept.email, absorbed.email, None),
        (
            &mut kept.public_identifier,
            absorbed.public_identifier,
            None,
        ),
    ];
    for (field, other, bit) in pairs {
        join_field(field, other, bit, &mut keep_bits, bits);
    }
    kept.notes = match (kept.notes.take(), absorbed.notes) {
        (Some(mine), Some(theirs)) if mine != theirs => Some(format!("{mine}\n\n{theirs}")),
        (mine, theirs) => mine.or(theirs),
    };
    // The live profile URL names the member id; the export's names the slug people share.
    if absorbed
        .profile_url
        .as_deref()
        .is_some_and(|url| !url.contains("/in/ACoA"))
    {
        kept.profile_url = absorbed.profile_url;
    }
    kept.connected_at = kept.connected_at.or(absorbed.connected_at);
    for statement in [
        "INSERT INTO conversation_participants (conversation_id, contact_id) \
         SELECT conversation_id, $1 FROM conversation_participants WHERE contact_id = $2 \
         ON CONFLICT DO NOTHING",
        "DELETE FROM conversation_participants WHERE contact_id = $2",
        "UPDATE messages SET sender_contact_id = $1 WHERE sender_contact_id = $2",
        "UPDATE avatar_jobs SET contact_id = $1 WHERE contact_id = $2",
    ] {
        sqlx::query(statement)
            .bind(kept.id)
            .bind(absorbed.id)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM contacts WHERE id = $1 AND user_id = $2")
        .bind(absorbed.id)
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE contacts SET public_identifier = $1, first_name = $2, last_name = $3, \
         display_name = $4, headline = $5, title = $6, company = $7, location = $8, notes = $9, \
         profile_url = $10, email = $11, connected_at = $12, user_edited = $13, updated_at = $14 \
         WHERE id = $15",
    )
    .bind(kept.public_identifier)
    .bind(kept.first_name)
    .bind(kept.last_name)
    .bind(kept.display_name)
    .bind(kept.headline)
    .bind(kept.title)
    .bind(kept.company)
    .bind(kept.location)
    .bind(kept.notes)
    .bind(kept.profile_url)
    .bind(kept.email)
    .bind(kept.connected_at)
    .bind(keep_bits)
    .bind(ms(now))
    .bind(kept.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Joins the slug-only contact `imported` to the person `live` (who has a URN) when nothing
/// contradicts it: `live` has no public identifier yet, or the same one. Returns the slug now
/// keyed to `live`.
pub(super) async fn link_contacts(
    conn: &mut AnyConnection,
    user: UserId,
    imported: i64,
    live: i64,
    now: DateTime<Utc>,
) -> StoreResult<Option<String>> {
    let (Some(slug_only), Some(member)) = (
        load(conn, user, imported).await?,
        load(conn, user, live).await?,
    ) else {
        return Ok(None);
    };
    let slug = slug_only
        .public_identifier
        .as_deref()
        .and_then(normalize_slug);
    let theirs = member.public_identifier.as_deref().and_then(normalize_slug);
    let fits = slug_only.urn.is_none()
        && member.urn.is_some()
        && member.kind == "person"
        && slug.is_some()
        && (theirs.is_none() || theirs == slug);
    if !fits {
        return Ok(None);
    }
    merge(conn, user, member, slug_only, now).await?;
    Ok(slug)
}

/// In a conversation both the import and the live sync know, the only imported participant
/// and the only live person are one member. Returns the slug and the contact kept.
pub(super) async fn link_one_to_one(
    conn: &mut AnyConnection,
    user: UserId,
    conversation: i64,
    now: DateTime<Utc>,
) -> StoreResult<Option<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT c.id, c.kind, c.urn FROM conversation_participants p \
         JOIN contacts c ON c.id = p.contact_id \
         JOIN conversations v ON v.id = p.conversation_id \
         WHERE p.conversation_id = $1 AND v.thread_id IS NOT NULL",
    )
    .bind(conversation)
    .fetch_all(&mut *conn)
    .await?;
    let mut imported = Vec::new();
    let mut live = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let urn: Option<String> = row.try_get("urn")?;
        match urn {
            None => imported.push(id),
            Some(_) if row.try_get::<String, _>("kind")? == "person" => live.push(id),
            Some(_) => {}
        }
    }
    let ([imported], [live]) = (imported.as_slice(), live.as_slice()) else {
        return Ok(None);
    };
    Ok(link_contacts(conn, user, *imported, *live, now)
        .await?
        .map(|slug| (slug, *live)))
}

/// After a live push named its account: an export imported before any sync (under a stand-in)
/// moves to this account when it is the export owner's (same public identifier), or when the
/// account's public identifier is unknown and it is the user's only synced account.
pub(super) async fn adopt_stand_in_account(
    conn: &mut AnyConnection,
    user: UserId,
    account_id: i64,
    account: &Account,
) -> StoreResult<()> {
    let stand_ins = sqlx::query(
        "SELECT id, public_identifier FROM linkedin_accounts \
         WHERE user_id = $1 AND imported_only = 1",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    if stand_ins.is_empty() {
        return Ok(());
    }
    let synced: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM linkedin_accounts WHERE user_id = $1 AND imported_only = 0",
    )
    .bind(user.0)
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    let own = account
        .public_identifier
        .as_ref()
        .and_then(|slug| normalize_slug(slug.as_str()));
    let mailbox = account.profile.to_string();
    for stand_in in stand_ins {
        let id: i64 = stand_in.try_get("id")?;
        let slug: Option<String> = stand_in.try_get("public_identifier")?;
        let theirs = slug.as_deref().and_then(normalize_slug);
        let takes_over = match &own {
            Some(own) => theirs.as_ref() == Some(own),
            None => synced == 1,
        };
        if !takes_over {
            continue;
        }
        let conversations = sqlx::query(
            "SELECT id, thread_id FROM conversations WHERE account_id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user.0)
        .fetch_all(&mut *conn)
        .await?;
        for conversation in conversations {
            let thread: Option<String> = conversation.try_get("thread_id")?;
            let Some(thread) = thread else { continue };
            sqlx::query(
                "UPDATE conversations SET urn = $1, account_id = $2 WHERE id = $3 \
                 AND NOT EXISTS (SELECT 1 FROM conversations o WHERE o.user_id = $4 AND o.urn = $1)",
            )
            .bind(conversation_urn(&mailbox, &thread))
            .bind(account_id)
            .bind(conversation.try_get::<i64, _>("id")?)
            .bind(user.0)
            .execute(&mut *conn)
            .await?;
        }
        sqlx::query(
            "UPDATE messages SET sender_urn = $1 WHERE user_id = $2 AND direction = 'outbound' \
             AND sender_urn IS NULL AND conversation_id IN \
             (SELECT id FROM conversations WHERE account_id = $3)",
        )
        .bind(&mailbox)
        .bind(user.0)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "DELETE FROM linkedin_accounts WHERE id = $1 AND NOT EXISTS \
             (SELECT 1 FROM conversations WHERE account_id = $1)",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Before a live conversation is looked up by URN: an imported conversation of the same thread
/// (under a stand-in, or under this account with another spelling of the URN) takes the live
/// URN, so the push updates it instead of adding a second copy.
pub(super) async fn adopt_imported_conversation(
    conn: &mut AnyConnection,
    user: UserId,
    account_id: i64,
    urn: &str,
) -> StoreResult<()> {
    let Ok(parsed) = ConversationUrn::parse(urn) else {
        return Ok(());
    };
    let thread = percent_encoding::percent_decode_str(parsed.thread_id()).decode_utf8_lossy();
    sqlx::query(
        "UPDATE conversations SET urn = $1, account_id = $2 \
         WHERE user_id = $3 AND thread_id = $4 AND urn <> $1 \
         AND account_id IN (SELECT id FROM linkedin_accounts \
           WHERE user_id = $3 AND (imported_only = 1 OR id = $2)) \
         AND NOT EXISTS (SELECT 1 FROM conversations o WHERE o.user_id = $3 AND o.urn = $1)",
    )
    .bind(urn)
    .bind(account_id)
    .bind(user.0)
    .bind(thread.as_ref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Before a live message new to the store is inserted: an imported copy of it (same
/// conversation, same second ±1, same direction and text) takes the live URN and fields.
pub(super) async fn adopt_imported_message(
    conn: &mut AnyConnection,
    user: UserId,
    conversation_id: i64,
    sender_contact: Option<i64>,
    row: &MessageRow,
    now: DateTime<Utc>,
) -> StoreResult<Option<Change>> {
    let second = ms(row.delivered_at).div_euclid(1000) * 1000;
    let candidates = sqlx::query(&format!(
        "SELECT id, sender_contact_id, direction, body FROM messages \
         WHERE conversation_id = $1 AND delivered_at >= $2 AND delivered_at < $3 \
         AND urn LIKE '{IMPORTED_MESSAGE_PREFIX}%' ORDER BY delivered_at, id"
    ))
    .bind(conversation_id)
    .bind(second - 1000)
    .bind(second + 2000)
    .fetch_all(&mut *conn)
    .await?;
    if candidates.is_empty() {
        return Ok(None);
    }
    let key = text_key(&row.body);
    let outbound = row.direction == Direction::Outbound;
    let mut found = None;
    for candidate in &candidates {
        let direction: String = candidate.try_get("direction")?;
        let body: String = candidate.try_get("body")?;
        if (direction == "outbound") == outbound && text_key(&body) == key {
            found = Some((
                candidate.try_get::<i64, _>("id")?,
                candidate.try_get::<Option<i64>, _>("sender_contact_id")?,
            ));
            break;
        }
    }
    let Some((id, imported_sender)) = found else {
        return Ok(None);
    };
    rewrite_message(conn, id, sender_contact.or(imported_sender), row, now).await?;
    if let (Some(imported), Some(live)) = (imported_sender, sender_contact)
        && imported != live
    {
        link_contacts(conn, user, imported, live, now).await?;
    }
    Ok(Some(Change::Updated))
}

/// A profile gave a URN contact its public identifier: a slug-only contact of the same slug
/// (imported) is the same member.
pub(super) async fn absorb_slug_twins(
    conn: &mut AnyConnection,
    user: UserId,
    kept: i64,
    public_identifier: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let Some(slug) = normalize_slug(public_identifier) else {
        return Ok(());
    };
    let twins = sqlx::query(
        "SELECT id FROM contacts WHERE user_id = $1 AND urn IS NULL AND id <> $2 \
         AND public_identifier IN ($3, $4)",
    )
    .bind(user.0)
    .bind(kept)
    .bind(&slug)
    .bind(public_identifier)
    .fetch_all(&mut *conn)
    .await?;
    for twin in twins {
        link_contacts(conn, user, twin.try_get("id")?, kept, now).await?;
    }
    Ok(())
}
