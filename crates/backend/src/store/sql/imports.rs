//! Archive imports: the one write transaction of an import, the import history, and which
//! conversations of a push the import already covers.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::ProfileUrn;
use sqlx::{Any, Row as _, Transaction};

use super::import_links::{link_contacts, link_one_to_one};
use super::{SqlStore, get_opt_time, get_time, ms};
use crate::ids::UserId;
use crate::store::import_match::{
    IMPORTED_MESSAGE_PREFIX, STAND_IN_PREFIX, normalize_slug, text_key,
};
use crate::store::{
    AccountChoice, ImportAccount, ImportRecord, ImportState, ImportStore, ImportWriter, Imported,
    ImportedContact, ImportedConversation, ImportedConversationRow, ImportedMessage,
    ImportedMessages, ImportedSender, StoreError, StoreResult, edited,
};

/// What the import knows of the account it files conversations under.
#[derive(Debug, Clone)]
struct ChosenAccount {
    id: i64,
    /// `profile_urn` as stored: a member URN, or `export:<slug>` for a stand-in.
    mailbox: String,
    synced: bool,
}

pub(super) struct SqlImportWriter {
    tx: Transaction<'static, Any>,
    user: UserId,
    now: DateTime<Utc>,
    account: Option<ChosenAccount>,
    /// Normalized slug → contact id, for every contact with a public identifier.
    slugs: HashMap<String, i64>,
    /// Contacts this import added.
    added: HashSet<i64>,
}

/// `urn:li:msg_conversation:(<mailbox>,<thread>)`.
pub(super) fn conversation_urn(mailbox: &str, thread_id: &str) -> String {
    format!("urn:li:msg_conversation:({mailbox},{thread_id})")
}

/// The sync-owned fields of a contact that an import may fill when empty.
struct FillableRow {
    user_edited: i64,
    public_identifier: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    display_name: String,
    title: Option<String>,
    company: Option<String>,
    profile_url: Option<String>,
    email: Option<String>,
    connected_at: Option<i64>,
}

fn fill(stored: &mut Option<String>, incoming: &Option<String>, locked: bool) -> bool {
    let incoming = incoming.as_ref().filter(|value| !value.trim().is_empty());
    match (stored.as_ref(), incoming) {
        (None, Some(value)) if !locked => {
            *stored = Some(value.clone());
            true
        }
        _ => false,
    }
}

/// A profile URL for a normalized slug (non-ASCII letters percent-encoded again).
fn slug_url(slug: &str) -> String {
    format!(
        "https://www.linkedin.com/in/{}/",
        percent_encoding::utf8_percent_encode(slug, percent_encoding::CONTROLS)
    )
}

struct StoredMessage {
    urn: String,
    sender_contact: Option<i64>,
    direction: String,
    used: bool,
}

impl SqlImportWriter {
    fn account(&self) -> StoreResult<&ChosenAccount> {
        self.account.as_ref().ok_or_else(|| {
            StoreError::Corrupt("an import wrote before choosing its account".to_owned())
        })
    }

    async fn fill_contact(&mut self, id: i64, contact: &ImportedContact) -> StoreResult<()> {
        let row = sqlx::query(
            "SELECT user_edited, public_identifier, first_name, last_name, display_name, title, \
             company, profile_url, email, connected_at FROM contacts WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *self.tx)
        .await?;
        let mut stored = FillableRow {
            user_edited: row.try_get("user_edited")?,
            public_identifier: row.try_get("public_identifier")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            display_name: row.try_get("display_name")?,
            title: row.try_get("title")?,
            company: row.try_get("company")?,
            profile_url: row.try_get("profile_url")?,
            email: row.try_get("email")?,
            connected_at: row.try_get("connected_at")?,
        };
        let locked = |bit: i64| stored.user_edited & bit != 0;
        let (name, title, company) = (
            locked(edited::NAME),
            locked(edited::TITLE),
            locked(edited::COMPANY),
        );
        let mut changed = fill(&mut stored.first_name, &contact.first_name, name);
        changed |= fill(&mut stored.last_name, &contact.last_name, name);
        changed |= fill(&mut stored.title, &contact.title, title);
        changed |= fill(&mut stored.company, &contact.company, company);
        changed |= fill(&mut stored.email, &contact.email, false);
        changed |= fill(
            &mut stored.profile_url,
            &Some(slug_url(&contact.slug)),
            false,
        );
        changed |= fill(
            &mut stored.public_identifier,
            &Some(contact.slug.clone()),
            false,
        );
        // A name that is only the fallback (the slug, or "Unknown") gives way to the real one.
        let placeholder = stored.display_name == "Unknown"
            || stored
                .public_identifier
                .as_deref()
                .is_some_and(|slug| normalize_slug(&stored.display_name).as_deref() == Some(slug));
        if placeholder && !name && !contact.display_name.trim().is_empty() {
            stored.display_name = contact.display_name.clone();
            changed = true;
        }
        if stored.connected_at.is_none()
            && let Some(at) = contact.connected_at
        {
            stored.connected_at = Some(ms(at));
            changed = true;
        }
        if !changed {
            return Ok(());
        }
        sqlx::query(
            "UPDATE contacts SET public_identifier = $1, first_name = $2, last_name = $3, \
             display_name = $4, title = $5, company = $6, profile_url = $7, email = $8, \
             connected_at = $9, updated_at = $10 WHERE id = $11",
        )
        .bind(stored.public_identifier)
        .bind(stored.first_name)
        .bind(stored.last_name)
        .bind(stored.display_name)
        .bind(stored.title)
        .bind(stored.company)
        .bind(stored.profile_url)
        .bind(stored.email)
        .bind(stored.connected_at)
        .bind(ms(self.now))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// The stored messages of a conversation, keyed by (second, text key).
    async fn stored_messages(
        &mut self,
        conversation: i64,
    ) -> StoreResult<(Vec<StoredMessage>, HashMap<(i64, String), Vec<usize>>)> {
        let rows = sqlx::query(
            "SELECT urn, sender_contact_id, direction, delivered_at, body FROM messages \
             WHERE conversation_id = $1 ORDER BY delivered_at, id",
        )
        .bind(conversation)
        .fetch_all(&mut *self.tx)
        .await?;
        let mut stored = Vec::with_capacity(rows.len());
        let mut index: HashMap<(i64, String), Vec<usize>> = HashMap::new();
        for row in rows {
            let at: i64 = row.try_get("delivered_at")?;
            let body: String = row.try_get("body")?;
            index
                .entry((at.div_euclid(1000), text_key(&body)))
                .or_default()
                .push(stored.len());
            stored.push(StoredMessage {
                urn: row.try_get("urn")?,
                sender_contact: row.try_get("sender_contact_id")?,
                direction: row.try_get("direction")?,
                used: false,
            });
        }
        Ok((stored, index))
    }
}

#[async_trait]
impl ImportWriter for SqlImportWriter {
    async fn choose_account(
        &mut self,
        owner_slug: &str,
        chosen: Option<&ProfileUrn>,
    ) -> StoreResult<AccountChoice> {
        let rows = sqlx::query(
            "SELECT id, profile_urn, name, public_identifier, imported_only \
             FROM linkedin_accounts WHERE user_id = $1 ORDER BY id",
        )
        .bind(self.user.0)
        .fetch_all(&mut *self.tx)
        .await?;
        let mut synced = Vec::new();
        let mut stand_in = None;
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let urn: String = row.try_get("profile_urn")?;
            let name: String = row.try_get("name")?;
            let slug: Option<String> = row.try_get("public_identifier")?;
            if row.try_get::<i64, _>("imported_only")? != 0 {
                if urn == format!("{STAND_IN_PREFIX}{owner_slug}") {
                    stand_in = Some(id);
                }
            } else {
                synced.push((id, urn, name, slug.and_then(|s| normalize_slug(&s))));
            }
        }
        let pick = if let Some(chosen) = chosen {
            match synced
                .iter()
                .find(|(_, urn, ..)| *urn == chosen.to_string())
            {
                Some(found) => Some(found.clone()),
                None => return Ok(AccountChoice::Unknown(chosen.to_string())),
            }
        } else if synced.len() == 1 {
            synced.first().cloned()
        } else if let Some(found) = synced
            .iter()
            .find(|(.., slug)| slug.as_deref() == Some(owner_slug))
        {
            Some(found.clone())
        } else if !synced.is_empty() {
            let names = synced
                .iter()
                .map(|(_, urn, name, _)| format!("{name} ({urn})"));
            return Ok(AccountChoice::Ambiguous(names.collect()));
        } else {
            None
        };
        if let Some((id, urn, name, _)) = pick {
            let profile = ProfileUrn::parse(&urn)
                .map_err(|error| StoreError::Corrupt(format!("linkedin_accounts: {error}")))?;
            self.account = Some(ChosenAccount {
                id,
                mailbox: urn,
                synced: true,
            });
            return Ok(AccountChoice::Chosen(ImportAccount::Synced {
                profile,
                name,
            }));
        }
        let mailbox = format!("{STAND_IN_PREFIX}{owner_slug}");
        let id = match stand_in {
            Some(id) => id,
            None => sqlx::query(
                "INSERT INTO linkedin_accounts (user_id, profile_urn, name, public_identifier, \
                 updated_at, imported_only) VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
            )
            .bind(self.user.0)
            .bind(&mailbox)
            .bind(format!("LinkedIn export of {owner_slug}"))
            .bind(owner_slug)
            .bind(ms(self.now))
            .fetch_one(&mut *self.tx)
            .await?
            .try_get("id")?,
        };
        self.account = Some(ChosenAccount {
            id,
            mailbox,
            synced: false,
        });
        Ok(AccountChoice::Chosen(ImportAccount::StandIn {
            owner_slug: owner_slug.to_owned(),
        }))
    }

    async fn contact(&mut self, contact: &ImportedContact) -> StoreResult<Imported> {
        if let Some(id) = self.slugs.get(&contact.slug).copied() {
            self.fill_contact(id, contact).await?;
            return Ok(Imported::Matched);
        }
        let display_name = Some(contact.display_name.trim())
            .filter(|name| !name.is_empty())
            .unwrap_or(&contact.slug);
        let row = sqlx::query(
            "INSERT INTO contacts (user_id, kind, public_identifier, first_name, last_name, \
             display_name, title, company, profile_url, email, connected_at, created_at, \
             updated_at) VALUES ($1, 'person', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
             RETURNING id",
        )
        .bind(self.user.0)
        .bind(&contact.slug)
        .bind(contact.first_name.clone())
        .bind(contact.last_name.clone())
        .bind(display_name)
        .bind(contact.title.clone())
        .bind(contact.company.clone())
        .bind(slug_url(&contact.slug))
        .bind(contact.email.clone())
        .bind(contact.connected_at.map(ms))
        .bind(ms(self.now))
        .fetch_one(&mut *self.tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        self.slugs.insert(contact.slug.clone(), id);
        self.added.insert(id);
        Ok(Imported::Added)
    }

    async fn conversation(
        &mut self,
        conversation: &ImportedConversation,
    ) -> StoreResult<(ImportedConversationRow, Imported)> {
        let account = self.account()?.clone();
        let thread = &conversation.thread_id;
        let urn = conversation_urn(&account.mailbox, thread);
        let encoded = conversation_urn(&account.mailbox, &thread.replace('=', "%3D"));
        // By thread id among this account's and stand-ins' conversations, else by live URN.
        let found = sqlx::query(
            "SELECT id, account_id FROM conversations WHERE user_id = $1 AND \
             ((thread_id = $2 AND account_id IN (SELECT id FROM linkedin_accounts \
               WHERE user_id = $1 AND (imported_only = 1 OR id = $3))) \
              OR urn = $4 OR urn = $5) \
             ORDER BY id LIMIT 1",
        )
        .bind(self.user.0)
        .bind(thread)
        .bind(account.id)
        .bind(&urn)
        .bind(&encoded)
        .fetch_optional(&mut *self.tx)
        .await?;
        let covered = ms(conversation.covered_until);
        let (id, outcome) = if let Some(found) = found {
            let id: i64 = found.try_get("id")?;
            let owner: i64 = found.try_get("account_id")?;
            if owner != account.id && account.synced {
                // Imported earlier under a stand-in: it belongs to the synced account now.
                sqlx::query("UPDATE conversations SET urn = $1, account_id = $2 WHERE id = $3")
                    .bind(&urn)
                    .bind(account.id)
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE conversations SET thread_id = $1, title = COALESCE(title, $2), \
                 history_complete_until = CASE WHEN history_complete_until IS NULL \
                 OR history_complete_until < $3 THEN $3 ELSE history_complete_until END, \
                 folder = CASE WHEN fingerprint = 'import' THEN $4 ELSE folder END \
                 WHERE id = $5",
            )
            .bind(thread)
            .bind(conversation.title.clone())
            .bind(covered)
            .bind(conversation.folder.as_str())
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
            (id, Imported::Matched)
        } else {
            let record = serde_json::json!({ "source": "linkedinExport", "threadId": thread });
            let row = sqlx::query(
                "INSERT INTO conversations (user_id, account_id, urn, kind, group_chat, title, \
                 folder, record_json, fingerprint, last_activity_at, updated_at, thread_id, \
                 history_complete_until) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'import', $9, $10, $11, $12) RETURNING id",
            )
            .bind(self.user.0)
            .bind(account.id)
            .bind(&urn)
            .bind(conversation.kind)
            .bind(i64::from(conversation.group_chat))
            .bind(conversation.title.clone())
            .bind(conversation.folder.as_str())
            .bind(record.to_string())
            .bind(ms(conversation.last_activity_at))
            .bind(ms(self.now))
            .bind(thread)
            .bind(covered)
            .fetch_one(&mut *self.tx)
            .await?;
            (row.try_get("id")?, Imported::Added)
        };
        for slug in &conversation.participants {
            let Some(contact) = self.slugs.get(slug).copied() else {
                continue;
            };
            sqlx::query(
                "INSERT INTO conversation_participants (conversation_id, contact_id) \
                 VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(contact)
            .execute(&mut *self.tx)
            .await?;
        }
        let existed = outcome == Imported::Matched;
        let mut joined = 0;
        if existed
            && let Some((slug, kept)) =
                link_one_to_one(&mut self.tx, self.user, id, self.now).await?
            && let Some(absorbed) = self.slugs.insert(slug, kept)
        {
            joined += u64::from(self.added.remove(&absorbed));
        }
        Ok((
            ImportedConversationRow {
                id,
                existed,
                joined,
            },
            outcome,
        ))
    }

    async fn messages(
        &mut self,
        conversation: ImportedConversationRow,
        thread_id: &str,
        messages: &[ImportedMessage],
    ) -> StoreResult<ImportedMessages> {
        let account = self.account()?.clone();
        let (mut stored, index) = if conversation.existed {
            self.stored_messages(conversation.id).await?
        } else {
            (Vec::new(), HashMap::new())
        };
        let mut counts = ImportedMessages::default();
        let mut occurrences: HashMap<(i64, String, String), u32> = HashMap::new();
        for message in messages {
            let key = text_key(&message.body);
            let second = message.delivered_at.timestamp();
            let (direction, sender_contact, sender_key) = match &message.sender {
                ImportedSender::Owner => ("outbound", None, "owner".to_owned()),
                ImportedSender::Member(slug) => (
                    "inbound",
                    self.slugs.get(slug).copied(),
                    format!("in:{slug}"),
                ),
                ImportedSender::Unknown => {
                    ("inbound", None, format!("unknown:{}", message.from_name))
                }
            };
            let matched = [second, second - 1, second + 1]
                .iter()
                .filter_map(|s| index.get(&(*s, key.clone())))
                .flatten()
                .copied()
                .find(|i| {
                    let candidate = &stored[*i];
                    let live = !candidate.urn.starts_with(IMPORTED_MESSAGE_PREFIX);
                    !candidate.used
                        && (candidate.direction == direction || candidate.direction == "unknown")
                        && (live || candidate.sender_contact == sender_contact)
                });
            if let Some(i) = matched {
                stored[i].used = true;
                counts.matched += 1;
                let live = !stored[i].urn.starts_with(IMPORTED_MESSAGE_PREFIX);
                if let (true, Some(mine), Some(theirs)) =
                    (live, sender_contact, stored[i].sender_contact)
                    && mine != theirs
                    && let Some(slug) =
                        link_contacts(&mut self.tx, self.user, mine, theirs, self.now).await?
                {
                    self.slugs.insert(slug, theirs);
                    counts.joined += u64::from(self.added.remove(&mine));
                }
                continue;
            }
            let occurrence = occurrences
                .entry((second, sender_key.clone(), key.clone()))
                .or_default();
            *occurrence += 1;
            let identity = format!("{thread_id}\n{second}\n{sender_key}\n{key}\n{occurrence}");
            let urn = format!(
                "{IMPORTED_MESSAGE_PREFIX}{}",
                &crate::secrets::sha256_hex(identity)[..40]
            );
            let extras = serde_json::json!({
                "source": "linkedinExport",
                "from": message.from_name,
                "attachments": message.attachments,
                "folder": message.folder,
            });
            let sender_urn =
                (direction == "outbound" && account.synced).then(|| account.mailbox.clone());
            sqlx::query(
                "INSERT INTO messages (user_id, conversation_id, urn, sender_urn, \
                 sender_contact_id, direction, delivered_at, subject, body, state, extras_json, \
                 fingerprint, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'normal', $10, 'import', $11)",
            )
            .bind(self.user.0)
            .bind(conversation.id)
            .bind(&urn)
            .bind(sender_urn)
            .bind(sender_contact)
            .bind(direction)
            .bind(ms(message.delivered_at))
            .bind(message.subject.clone())
            .bind(&message.body)
            .bind(extras.to_string())
            .bind(ms(self.now))
            .execute(&mut *self.tx)
            .await?;
            counts.added += 1;
        }
        Ok(counts)
    }

    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

fn import_from_row(row: &sqlx::any::AnyRow) -> StoreResult<ImportRecord> {
    Ok(ImportRecord {
        id: row.try_get("id")?,
        source: row.try_get("source")?,
        file_name: row.try_get("file_name")?,
        state: ImportState::parse(&row.try_get::<String, _>("state")?),
        summary_json: row.try_get("summary_json")?,
        error: row.try_get("error")?,
        started_at: get_time(row, "started_at")?,
        finished_at: get_opt_time(row, "finished_at")?,
    })
}

const IMPORT_COLUMNS: &str =
    "id, source, file_name, state, summary_json, error, started_at, finished_at";

#[async_trait]
impl ImportStore for SqlStore {
    async fn begin_import(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Box<dyn ImportWriter>> {
        let mut tx = self.begin_write().await?;
        // Contacts with a URN first, so a slug known on both sides keys the live contact.
        let rows = sqlx::query(
            "SELECT id, public_identifier FROM contacts WHERE user_id = $1 \
             AND public_identifier IS NOT NULL ORDER BY CASE WHEN urn IS NULL THEN 1 ELSE 0 END, id",
        )
        .bind(user.0)
        .fetch_all(&mut *tx)
        .await?;
        let mut slugs = HashMap::new();
        for row in rows {
            let raw: String = row.try_get("public_identifier")?;
            if let Some(slug) = normalize_slug(&raw) {
                slugs.entry(slug).or_insert(row.try_get::<i64, _>("id")?);
            }
        }
        Ok(Box::new(SqlImportWriter {
            tx,
            user,
            now,
            account: None,
            slugs,
            added: HashSet::new(),
        }))
    }

    async fn history_covered(&self, user: UserId, urns: &[String]) -> StoreResult<Vec<String>> {
        let mut covered = Vec::new();
        for chunk in urns.chunks(100) {
            let placeholders = (0..chunk.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT c.urn FROM conversations c WHERE c.user_id = $1 AND c.urn IN ({placeholders}) \
                 AND c.history_complete_until IS NOT NULL AND EXISTS (SELECT 1 FROM messages m \
                 WHERE m.conversation_id = c.id AND m.urn NOT LIKE '{IMPORTED_MESSAGE_PREFIX}%' \
                 AND m.delivered_at < c.history_complete_until + 1000)"
            );
            let mut query = sqlx::query(&sql).bind(user.0);
            for urn in chunk {
                query = query.bind(urn);
            }
            for row in query.fetch_all(&self.pool).await? {
                covered.push(row.try_get("urn")?);
            }
        }
        Ok(covered)
    }

    async fn insert_import(&self, user: UserId, record: &ImportRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO imports (id, user_id, source, file_name, state, summary_json, error, \
             started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&record.id)
        .bind(user.0)
        .bind(&record.source)
        .bind(&record.file_name)
        .bind(record.state.as_str())
        .bind(record.summary_json.clone())
        .bind(record.error.clone())
        .bind(ms(record.started_at))
        .bind(record.finished_at.map(ms))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn finish_import(&self, user: UserId, record: &ImportRecord) -> StoreResult<()> {
        sqlx::query(
            "UPDATE imports SET state = $1, summary_json = $2, error = $3, finished_at = $4 \
             WHERE id = $5 AND user_id = $6",
        )
        .bind(record.state.as_str())
        .bind(record.summary_json.clone())
        .bind(record.error.clone())
        .bind(record.finished_at.map(ms))
        .bind(&record.id)
        .bind(user.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_imports(&self, user: UserId, limit: u32) -> StoreResult<Vec<ImportRecord>> {
        sqlx::query(&format!(
            "SELECT {IMPORT_COLUMNS} FROM imports WHERE user_id = $1 \
             ORDER BY started_at DESC, id LIMIT $2"
        ))
        .bind(user.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(import_from_row)
        .collect()
    }

    async fn get_import(&self, user: UserId, id: &str) -> StoreResult<Option<ImportRecord>> {
        sqlx::query(&format!(
            "SELECT {IMPORT_COLUMNS} FROM imports WHERE user_id = $1 AND id = $2"
        ))
        .bind(user.0)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(import_from_row)
        .transpose()
    }
}
