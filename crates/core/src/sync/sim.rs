//! A small simulated LinkedIn and backend for planner tests: answers every [`VoyagerCall`] from
//! an in-memory mailbox, records what the backend acknowledged, and injects failures.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::ids::{
    ConversationUrn, Cursor, MessageUrn, ProfileUrn, QueryId, SessionFingerprint, SyncToken,
};
use crate::model::*;
use crate::sync::attachments::{AttachmentPolicy, AttachmentRequest, AttachmentSkip, SkipReason};
use crate::sync::{
    AttachmentFetched, PaceLog, PacePreset, Planner, ProfileLookups, Progress, PushAck,
    PushFailure, PushPlan, RunReport, StopReason, SyncConfig, SyncHost, SyncState, SyncTrigger,
    VoyagerFetch, drive,
};
use crate::voyager::{
    ConversationsQuery, HttpResponse, MemberIdentity, MessagesQuery, QueryIdRegistry,
    VoyagerAnswer, VoyagerCall, VoyagerFailure, WorkingQueryIds,
};

pub fn at(minutes: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_760_000_000, 0).single().expect("valid") + Duration::minutes(minutes)
}

pub fn owner() -> ProfileUrn {
    ProfileUrn::parse("urn:li:fsd_profile:ACoAAOwner0000000000000000000000000000000")
        .expect("valid")
}

/// The correspondent of conversation `n`.
pub fn member(n: usize) -> ProfileUrn {
    ProfileUrn::parse(&format!("urn:li:fsd_profile:ACoAAPeer{n:031}")).expect("valid")
}

/// The mailbox and its behaviour.
pub struct SimLinkedIn {
    pub conversations: Vec<(Conversation, Vec<Message>)>,
    /// Anchor pages come oldest first when true (both orders are reported for LinkedIn).
    pub anchor_ascending: bool,
    /// Older pages carry `prevCursor` (LinkedIn's do; whether always is not known).
    pub cursors: bool,
    /// Failures handed out before the matching call is answered, in order.
    pub faults: VecDeque<VoyagerFailure>,
    pub calls: Vec<VoyagerCall>,
    /// When each call came, by the simulated clock.
    pub call_times: Vec<DateTime<Utc>>,
    pub clock: DateTime<Utc>,
    /// The fingerprint of the browser's LinkedIn session (a new login is a new one).
    pub session: SessionFingerprint,
    /// Deleted conversations, in order.
    pub deleted: Vec<(Conversation, Vec<Message>)>,
    /// Conversations changed (a new message, another folder), in order. A sync token is
    /// `<deleted>:<changed>`, the lengths of both when it was given.
    pub changed: Vec<ConversationUrn>,
    /// The only query ids answered, each for its own variant (`None`: any id is).
    pub live_query_ids: Option<WorkingQueryIds>,
    /// The query ids refused, in order.
    pub refused_query_ids: Vec<QueryId>,
    /// What the extension learnt from LinkedIn's pages (by default nothing: the built-ins).
    pub learnt_query_ids: QueryIdRegistry,
    /// The category variants list only the folder asked for (else every folder, as some
    /// sources report LinkedIn does).
    pub strict_folders: bool,
    /// The folders the simulated user chose to sync (the extension's config).
    pub synced_folders: Vec<ConversationFolder>,
    /// Members whose profile lookups LinkedIn answers 404.
    pub hidden_profiles: BTreeSet<ProfileUrn>,
    /// The attachments the simulated user chose to download (the extension's options).
    pub attachment_policy: AttachmentPolicy,
    /// Attachment URLs are signed with this generation; older ones answer 403, as expired.
    pub url_generation: u32,
    /// The size of each attachment's bytes, by its unsigned URL.
    pub attachment_bytes: BTreeMap<String, u64>,
    /// Attachments LinkedIn no longer serves (404), by unsigned URL.
    pub gone_attachments: BTreeSet<String>,
    /// Statuses (with a body) handed to the next attachment downloads, in order.
    pub download_faults: VecDeque<(u16, String)>,
    /// Every attachment download, with its signed URL and time.
    pub downloads: Vec<(String, DateTime<Utc>)>,
    /// The sync-token answer names deletions only, never a changed conversation (a LinkedIn
    /// that does not behave as described).
    pub sync_token_omits_changes: bool,
    /// The sync-token answer says `shouldClearCache` (the token sent is too old).
    pub sync_token_clears_cache: bool,
}

impl SimLinkedIn {
    /// `sizes[i]` messages in conversation `i`; conversation 0 has the newest activity. Two
    /// messages share each timestamp, so paging must not lose equal times.
    pub fn new(sizes: &[usize]) -> Self {
        Self::with_messages_per_second(sizes, 2)
    }

    /// Like [`Self::new`], with `per_second` messages sharing each timestamp.
    pub fn with_messages_per_second(sizes: &[usize], per_second: usize) -> Self {
        let mut sim = Self {
            conversations: Vec::new(),
            anchor_ascending: true,
            cursors: true,
            faults: VecDeque::new(),
            calls: Vec::new(),
            call_times: Vec::new(),
            clock: at(0),
            session: SessionFingerprint::parse("session-1").expect("a fingerprint"),
            deleted: Vec::new(),
            changed: Vec::new(),
            live_query_ids: None,
            refused_query_ids: Vec::new(),
            learnt_query_ids: QueryIdRegistry::builtin(),
            strict_folders: false,
            synced_folders: SyncConfig::default().folders,
            hidden_profiles: BTreeSet::new(),
            attachment_policy: AttachmentPolicy::default(),
            url_generation: 0,
            attachment_bytes: BTreeMap::new(),
            gone_attachments: BTreeSet::new(),
            download_faults: VecDeque::new(),
            downloads: Vec::new(),
            sync_token_omits_changes: false,
            sync_token_clears_cache: false,
        };
        for (index, &size) in sizes.iter().enumerate() {
            let urn = ConversationUrn::new(owner(), &format!("2-thread{index}")).expect("valid");
            let newest = at(-(index as i64) * 10);
            let conversation = Conversation {
                urn: urn.clone(),
                backend_urn: None,
                kind: ConversationKind::Regular,
                group_chat: false,
                title: None,
                categories: vec!["INBOX".into()],
                state: None,
                read: true,
                unread_count: 0,
                created_at: None,
                last_activity_at: newest,
                participants: vec![],
            };
            sim.conversations.push((conversation, Vec::new()));
            for m in 0..size {
                sim.push_message(
                    index,
                    newest - Duration::seconds(((size - 1 - m) / per_second) as i64),
                    m,
                );
            }
        }
        sim
    }

    fn push_message(&mut self, index: usize, delivered_at: DateTime<Utc>, n: usize) {
        let (conversation, messages) = &mut self.conversations[index];
        messages.push(Message {
            urn: MessageUrn::new(owner(), &format!("2-m{index}x{n}")).expect("valid"),
            conversation: conversation.urn.clone(),
            sender: Some(ParticipantId::Member(member(index))),
            delivered_at,
            subject: None,
            body: format!("message {n}"),
            state: MessageState::Normal,
            attachments: vec![],
            reactions: vec![],
        });
        conversation.last_activity_at = conversation.last_activity_at.max(delivered_at);
    }

    /// New messages arrive now in conversation `index`.
    pub fn add_messages(&mut self, index: usize, count: usize) {
        self.clock += Duration::minutes(1);
        self.changed.push(self.conversations[index].0.urn.clone());
        let base = self.conversations[index].1.len();
        for n in 0..count {
            self.push_message(
                index,
                self.clock + Duration::milliseconds(n as i64),
                base + n,
            );
        }
    }

    /// Message `n` of conversation `index` carries an attachment of `bytes` bytes (declared to
    /// LinkedIn's readers when `declared`); answers its unsigned URL.
    pub fn attach(
        &mut self,
        index: usize,
        n: usize,
        kind: AttachmentKind,
        bytes: u64,
        declared: bool,
    ) -> String {
        let message = &mut self.conversations[index].1[n];
        let url = format!(
            "https://www.linkedin.com/dms/prv/att/{index}x{n}/{}",
            message.attachments.len()
        );
        message.attachments.push(Attachment {
            kind,
            name: Some(format!("file {index}x{n}")),
            media_type: None,
            byte_size: declared.then_some(bytes),
            url: Some(url.clone()),
        });
        self.attachment_bytes.insert(url.clone(), bytes);
        url
    }

    /// Every attachment URL handed out so far stops working, as LinkedIn's signed URLs expire.
    pub fn expire_attachment_urls(&mut self) {
        self.url_generation += 1;
    }

    /// A message as LinkedIn renders it now: its attachment URLs signed afresh.
    fn rendered(&self, mut message: Message) -> Message {
        for attachment in &mut message.attachments {
            if let Some(url) = &mut attachment.url {
                let unsigned = url.split('?').next().unwrap_or_default().to_owned();
                *url = format!("{unsigned}?g={}", self.url_generation);
            }
        }
        message
    }

    /// Answers an attachment download: the size of its bytes, or LinkedIn's refusal.
    pub fn download(&mut self, url: &str) -> Result<u64, HttpResponse> {
        self.downloads.push((url.to_owned(), self.clock));
        let refusal = |status: u16, body: &str| HttpResponse {
            status,
            headers: vec![],
            body: body.to_owned(),
            redirected_to: None,
        };
        if let Some((status, body)) = self.download_faults.pop_front() {
            return Err(refusal(status, &body));
        }
        let (unsigned, generation) = url.split_once("?g=").unwrap_or((url, ""));
        if self.gone_attachments.contains(unsigned) {
            return Err(refusal(404, ""));
        }
        match self.attachment_bytes.get(unsigned) {
            None => Err(refusal(404, "")),
            Some(_) if generation != self.url_generation.to_string() => Err(refusal(403, "")),
            Some(bytes) => Ok(*bytes),
        }
    }

    /// Conversation `index` has these categories (e.g. a message request, an archived one).
    pub fn categorise(&mut self, index: usize, categories: &[&str]) {
        self.changed.push(self.conversations[index].0.urn.clone());
        self.conversations[index].0.categories = categories
            .iter()
            .map(|category| (*category).to_owned())
            .collect();
    }

    /// The user deletes conversation `index` on LinkedIn (the others move up).
    pub fn delete_conversation(&mut self, index: usize) {
        let removed = self.conversations.remove(index);
        self.deleted.push(removed);
    }

    /// Messages of the deleted conversations.
    pub fn deleted_messages(&self) -> BTreeSet<MessageUrn> {
        self.deleted
            .iter()
            .flat_map(|(_, messages)| messages.iter().map(|m| m.urn.clone()))
            .collect()
    }

    pub fn all_messages(&self) -> BTreeSet<MessageUrn> {
        self.conversations
            .iter()
            .flat_map(|(_, messages)| messages.iter().map(|m| m.urn.clone()))
            .collect()
    }

    /// Answers a fetch, refusing a query id that is not live for its variant as LinkedIn does.
    pub fn answer_fetch(&mut self, fetch: &VoyagerFetch) -> Result<VoyagerAnswer, VoyagerFailure> {
        if let (Some(live), Some(kind)) = (&self.live_query_ids, fetch.call.query_kind())
            && live.get(&kind) != fetch.query_id.as_ref()
        {
            self.calls.push(fetch.call.clone());
            self.call_times.push(self.clock);
            self.refused_query_ids.extend(fetch.query_id.clone());
            return Err(VoyagerFailure::QueryRotated {
                detail: "HTTP 400".into(),
            });
        }
        self.answer(&fetch.call)
    }

    pub fn answer(&mut self, call: &VoyagerCall) -> Result<VoyagerAnswer, VoyagerFailure> {
        self.calls.push(call.clone());
        self.call_times.push(self.clock);
        // Faults hit the calls that page data; the account lookup answers.
        if *call != VoyagerCall::Me
            && let Some(fault) = self.faults.pop_front()
        {
            return Err(fault);
        }
        Ok(match call {
            VoyagerCall::Me => VoyagerAnswer::Me {
                account: Account {
                    profile: owner(),
                    first_name: "Ada".into(),
                    last_name: "Example".into(),
                    headline: None,
                    public_identifier: None,
                },
            },
            VoyagerCall::Conversations { query, folder } => VoyagerAnswer::Conversations {
                page: self.conversation_page(query, *folder),
            },
            VoyagerCall::Messages {
                conversation,
                query,
            } => VoyagerAnswer::Messages {
                page: self.message_page(conversation, query),
            },
            VoyagerCall::Profile {
                member: MemberIdentity::Id(id),
            } if self.hidden_profiles.iter().any(|urn| urn.id() == id) => {
                return Err(VoyagerFailure::Fatal {
                    status: 404,
                    detail: "no such profile".into(),
                });
            }
            VoyagerCall::Profile { .. } => VoyagerAnswer::Profile {
                profile: Profile {
                    title: Some("Engineer".into()),
                    ..Profile::default()
                },
            },
        })
    }

    fn conversation_page(
        &self,
        query: &ConversationsQuery,
        folder: ConversationFolder,
    ) -> ConversationPage {
        let listed = |c: &&Conversation| {
            !self.strict_folders
                || matches!(query, ConversationsQuery::SyncToken(_))
                || c.folder() == folder
        };
        let mut sorted: Vec<&Conversation> = self
            .conversations
            .iter()
            .map(|(c, _)| c)
            .filter(listed)
            .collect();
        sorted.sort_by_key(|c| (std::cmp::Reverse(c.last_activity_at), c.urn.clone()));
        if let ConversationsQuery::SyncToken(token) = query {
            // Without a token the most recent; with one, only those changed since.
            let (deleted_since, changed_since) =
                token.as_ref().map_or((self.deleted.len(), 0), |token| {
                    let (deleted, changed) = token.as_str().split_once(':').expect("our own token");
                    (
                        deleted.parse().expect("our own token"),
                        changed.parse().expect("our own token"),
                    )
                });
            let changed = &self.changed[changed_since..];
            sorted.retain(|c| {
                token.is_none() || (!self.sync_token_omits_changes && changed.contains(&c.urn))
            });
            sorted.truncate(20);
            let should_clear_cache = token.is_none() || self.sync_token_clears_cache;
            let token = format!("{}:{}", self.deleted.len(), self.changed.len());
            return ConversationPage {
                conversations: sorted.into_iter().cloned().collect(),
                new_sync_token: Some(SyncToken::parse(&token).expect("valid")),
                deleted: self.deleted[deleted_since..]
                    .iter()
                    .map(|(c, _)| c.urn.clone())
                    .collect(),
                should_clear_cache,
                ..ConversationPage::default()
            };
        }
        let start = match query {
            ConversationsQuery::Before(before) => sorted
                .iter()
                .position(|c| c.last_activity_at < *before)
                .unwrap_or(sorted.len()),
            ConversationsQuery::Cursor(cursor) => cursor.as_str().parse().expect("our own cursor"),
            ConversationsQuery::SyncToken(_) => unreachable!("answered above"),
        };
        let end = (start + 20).min(sorted.len());
        let conversations: Vec<Conversation> =
            sorted[start..end].iter().map(|c| (*c).clone()).collect();
        let last_messages = conversations
            .iter()
            .filter_map(|conversation: &Conversation| self.newest_message(&conversation.urn))
            .collect();
        ConversationPage {
            conversations,
            last_messages,
            next_cursor: (end < sorted.len())
                .then(|| Cursor::parse(&end.to_string()).expect("valid")),
            ..ConversationPage::default()
        }
    }

    fn newest_message(&self, urn: &ConversationUrn) -> Option<Message> {
        let (_, messages) = self.conversations.iter().find(|(c, _)| &c.urn == urn)?;
        let newest = messages.iter().max_by_key(|m| m.delivered_at).cloned()?;
        Some(self.rendered(newest))
    }

    fn message_page(&self, urn: &ConversationUrn, query: &MessagesQuery) -> MessagePage {
        let messages = self
            .conversations
            .iter()
            .find(|(c, _)| &c.urn == urn)
            .map(|(_, m)| m.clone())
            .unwrap_or_default();
        let mut newest_first = messages;
        newest_first.sort_by_key(|m| std::cmp::Reverse(m.delivered_at));
        // Pages by anchor and by cursor say where older messages begin, as fake-linkedin's do;
        // the newest page does not.
        let start = match query {
            MessagesQuery::Latest => 0,
            MessagesQuery::Before(anchor) => newest_first
                .iter()
                .position(|m| m.delivered_at < *anchor)
                .unwrap_or(newest_first.len()),
            MessagesQuery::Cursor(cursor) => cursor.as_str().parse().expect("our own cursor"),
        };
        let end = (start + 20).min(newest_first.len());
        let mut page: Vec<Message> = newest_first[start..end]
            .iter()
            .map(|message| self.rendered(message.clone()))
            .collect();
        let prev_cursor =
            (self.cursors && *query != MessagesQuery::Latest && end < newest_first.len())
                .then(|| Cursor::parse(&end.to_string()).expect("valid"));
        if self.anchor_ascending && *query != MessagesQuery::Latest {
            page.reverse();
        }
        MessagePage {
            messages: page,
            prev_cursor,
            ..MessagePage::default()
        }
    }
}

/// The backend: what it stored, and how often it saw each message.
#[derive(Default)]
pub struct SimBackend {
    pub stored: BTreeMap<MessageUrn, u32>,
    /// Conversations reported deleted.
    pub deleted: BTreeSet<ConversationUrn>,
    pub pushes: u32,
    /// Contacts lacking a title or company. Like the backend, every push answer names up to
    /// [`Self::NAMED_PER_ANSWER`] of them that no lookup has reported yet.
    pub lacking: BTreeSet<ProfileUrn>,
    /// Lookups reported per member, found or unavailable.
    pub looked_up: BTreeMap<ProfileUrn, u32>,
    pub profiles: usize,
    /// The most messages and conversations one batch carried.
    pub largest_batch: (usize, usize),
    /// Every push fails so while set.
    pub refuse: Option<PushFailure>,
    /// Conversations whose history came from LinkedIn's data export.
    pub imported: BTreeSet<ConversationUrn>,
    /// Downloadable attachments of the messages pushed, as the backend would name them.
    pub attachments: Vec<AttachmentRequest>,
    /// Uploads received per attachment (message, index).
    pub uploads: BTreeMap<(MessageUrn, u32), u32>,
    /// Attachments reported skipped, with the reason.
    pub skipped: BTreeMap<(MessageUrn, u32), SkipReason>,
    /// The folder of each conversation, as last pushed.
    pub folders: BTreeMap<ConversationUrn, ConversationFolder>,
    /// The progress each step of a run published, as the popup would show it.
    pub progress_shown: Vec<Progress>,
}

impl SimBackend {
    /// As many as the backend's own policy names in one answer.
    pub const NAMED_PER_ANSWER: usize = 10;
    /// As many attachments as the backend names in one answer.
    pub const ATTACHMENTS_PER_ANSWER: usize = 20;

    fn learn_attachments(&mut self, messages: &[Message]) {
        for message in messages {
            for (index, attachment) in message.attachments.iter().enumerate() {
                let index = index as u32;
                let known = self
                    .attachments
                    .iter()
                    .any(|known| known.message == message.urn && known.index == index);
                if let (false, Some(url)) = (known, &attachment.url) {
                    self.attachments.push(AttachmentRequest {
                        message: message.urn.clone(),
                        index,
                        conversation: message.conversation.clone(),
                        sent_at: message.delivered_at,
                        kind: attachment.kind,
                        url: url.clone(),
                        byte_size: attachment.byte_size,
                        media_type: attachment.media_type.clone(),
                    });
                }
            }
        }
        self.attachments
            .sort_by_key(|request| std::cmp::Reverse(request.sent_at));
    }

    /// Like the backend: those neither stored nor skipped, newest first, with the URL first
    /// stored (it may have expired since).
    fn attachments_lacking(&self) -> Vec<AttachmentRequest> {
        self.attachments
            .iter()
            .filter(|request| {
                let key = (request.message.clone(), request.index);
                !self.uploads.contains_key(&key) && !self.skipped.contains_key(&key)
            })
            .take(Self::ATTACHMENTS_PER_ANSWER)
            .cloned()
            .collect()
    }

    fn accept_lookups(&mut self, lookups: &ProfileLookups) {
        let found = lookups
            .profiles
            .iter()
            .filter_map(|profile| profile.urn.as_ref());
        for member in found.clone() {
            self.lacking.remove(member);
        }
        for member in found.chain(&lookups.unavailable) {
            *self.looked_up.entry(member.clone()).or_default() += 1;
        }
        self.profiles += lookups.profiles.len();
    }

    fn accept(&mut self, batch: &PushPlan) -> Result<PushAck, PushFailure> {
        self.pushes += 1;
        if let Some(failure) = &self.refuse {
            return Err(failure.clone());
        }
        self.largest_batch.0 = self.largest_batch.0.max(batch.messages.len());
        self.largest_batch.1 = self.largest_batch.1.max(batch.conversations.len());
        for message in &batch.messages {
            *self.stored.entry(message.urn.clone()).or_default() += 1;
        }
        self.deleted.extend(batch.deleted.iter().cloned());
        for conversation in &batch.conversations {
            self.folders
                .insert(conversation.urn.clone(), conversation.folder());
        }
        self.learn_attachments(&batch.messages);
        Ok(PushAck {
            attachment_requests: self.attachments_lacking(),
            backfill_needed: self
                .lacking
                .iter()
                .filter(|member| !self.looked_up.contains_key(*member))
                .take(Self::NAMED_PER_ANSWER)
                .cloned()
                .collect(),
            avatar_requests: vec![],
            // Like the backend: of the conversations the batch names, those imported.
            history_covered: batch
                .conversations
                .iter()
                .map(|conversation| &conversation.urn)
                .chain(&batch.history_pending)
                .filter(|urn| self.imported.contains(*urn))
                .cloned()
                .collect(),
        })
    }
}

/// When Chrome stops the worker in a simulated run.
#[derive(Debug, Clone, Copy)]
pub enum Stop {
    /// After this many effects (fetches, pushes, waits).
    AfterEffects(usize),
    /// Right after this many acknowledged pushes.
    AfterPushes(u32),
}

/// Chrome stopped the simulated worker.
pub struct Stopped;

/// The simulated service worker: LinkedIn and the backend in memory, a clock that jumps over
/// waits, and a stop that abandons the run where `stop` says.
struct SimHost<'a> {
    linkedin: &'a mut SimLinkedIn,
    backend: &'a mut SimBackend,
    saved: SyncState,
    stop: Option<Stop>,
    effects: usize,
    pushes_before: u32,
}

impl SimHost<'_> {
    /// Counts an effect, or stops the worker before carrying it out.
    fn effect(&mut self) -> Result<(), Stopped> {
        self.effects += 1;
        let stopped = match self.stop {
            Some(Stop::AfterEffects(limit)) => self.effects > limit,
            Some(Stop::AfterPushes(limit)) => self.backend.pushes - self.pushes_before >= limit,
            None => false,
        };
        if stopped { Err(Stopped) } else { Ok(()) }
    }
}

impl SyncHost for SimHost<'_> {
    type Error = Stopped;

    fn now(&self) -> DateTime<Utc> {
        self.linkedin.clock
    }

    async fn session_fingerprint(&mut self) -> Result<Option<SessionFingerprint>, Stopped> {
        Ok(Some(self.linkedin.session.clone()))
    }

    async fn fetch(
        &mut self,
        fetch: &VoyagerFetch,
    ) -> Result<Result<VoyagerAnswer, VoyagerFailure>, Stopped> {
        self.effect()?;
        Ok(self.linkedin.answer_fetch(fetch))
    }

    async fn push(
        &mut self,
        _account: &Account,
        batch: &PushPlan,
    ) -> Result<Result<PushAck, PushFailure>, Stopped> {
        self.effect()?;
        Ok(self.backend.accept(batch))
    }

    async fn push_profiles(
        &mut self,
        lookups: &ProfileLookups,
    ) -> Result<Result<PushAck, PushFailure>, Stopped> {
        self.effect()?;
        self.backend.accept_lookups(lookups);
        Ok(Ok(PushAck::default()))
    }

    async fn transfer_avatar(
        &mut self,
        _member: &ProfileUrn,
        _url: &str,
    ) -> Result<Result<(), String>, Stopped> {
        self.effect()?;
        Ok(Ok(()))
    }

    async fn transfer_attachment(
        &mut self,
        attachment: &AttachmentRequest,
        max_bytes: u64,
    ) -> Result<AttachmentFetched, Stopped> {
        self.effect()?;
        Ok(match self.linkedin.download(&attachment.url) {
            Err(refusal) => AttachmentFetched::Refused(refusal),
            Ok(bytes) if bytes > max_bytes => AttachmentFetched::TooLarge { byte_size: bytes },
            Ok(_) => {
                let key = (attachment.message.clone(), attachment.index);
                *self.backend.uploads.entry(key).or_default() += 1;
                AttachmentFetched::Stored
            }
        })
    }

    async fn report_skipped_attachments(
        &mut self,
        skipped: &[AttachmentSkip],
    ) -> Result<Result<(), PushFailure>, Stopped> {
        self.effect()?;
        for skip in skipped {
            let key = (skip.message.clone(), skip.index);
            self.backend.skipped.insert(key, skip.reason.clone());
        }
        Ok(Ok(()))
    }

    async fn wait_until(&mut self, until: DateTime<Utc>) -> Result<(), Stopped> {
        self.effect()?;
        self.linkedin.clock = self.linkedin.clock.max(until);
        Ok(())
    }

    async fn save_state(&mut self, state: &SyncState) -> Result<(), Stopped> {
        self.saved = state.clone();
        Ok(())
    }

    async fn step_taken(&mut self, progress: Option<Progress>) -> Result<(), Stopped> {
        self.backend.progress_shown.extend(progress);
        Ok(())
    }

    async fn save_pace(&mut self, pace: &PaceLog) -> Result<(), Stopped> {
        self.saved.pace = pace.clone();
        Ok(())
    }
}

/// Runs one sync to its end, or until `stop`: then the run is abandoned and the returned state
/// is the last one saved, as a stopped service worker would leave it.
pub fn run_sync(
    linkedin: &mut SimLinkedIn,
    backend: &mut SimBackend,
    saved: SyncState,
    trigger: SyncTrigger,
    stop: Option<Stop>,
) -> (SyncState, Option<RunReport>) {
    // Budgets and gaps are the pacing tests'; here they only make the clock jump, and a run the
    // budget ends is taken up again once it frees, by the next page visit.
    let mut earlier: Option<RunReport> = None;
    let mut trigger = trigger;
    let mut saved = saved;
    loop {
        let (state, report) = run_paced(
            linkedin,
            backend,
            saved,
            trigger,
            stop,
            PacePreset::Compressed,
        );
        let Some(mut report) = report else {
            return (state, None);
        };
        if let Some(earlier) = earlier.take() {
            report.conversations_processed += earlier.conversations_processed;
            report.messages_processed += earlier.messages_processed;
            report.requests_made += earlier.requests_made;
        }
        match state.stop_reason() {
            Some(StopReason::BudgetSpent { until }) => {
                linkedin.clock = linkedin.clock.max(*until);
                saved = state;
                earlier = Some(report);
                trigger = SyncTrigger::PageVisit;
            }
            _ => return (state, Some(report)),
        }
    }
}

/// Sync Now on a fresh browser, run to its end.
pub fn first_sync_now(linkedin: &mut SimLinkedIn, backend: &mut SimBackend) -> RunReport {
    sync_now_from_scratch(linkedin, backend).1
}

/// Sync Now on a fresh browser, run to its end: the state it leaves, and its report.
pub fn sync_now_from_scratch(
    linkedin: &mut SimLinkedIn,
    backend: &mut SimBackend,
) -> (SyncState, RunReport) {
    let state = SyncState::default();
    let (state, report) = run_sync(linkedin, backend, state, SyncTrigger::Manual, None);
    (state, report.expect("not stopped"))
}

/// [`run_sync`] at the pace of `pace`.
pub fn run_paced(
    linkedin: &mut SimLinkedIn,
    backend: &mut SimBackend,
    saved: SyncState,
    trigger: SyncTrigger,
    stop: Option<Stop>,
    pace: PacePreset,
) -> (SyncState, Option<RunReport>) {
    let config = SyncConfig {
        max_batch_messages: 25,
        max_batch_conversations: 4,
        pace,
        folders: linkedin.synced_folders.clone(),
        attachments: linkedin.attachment_policy,
        ..SyncConfig::default()
    };
    let mut planner = Planner::new(config, saved.clone(), &linkedin.learnt_query_ids);
    let pushes_before = backend.pushes;
    let mut host = SimHost {
        linkedin,
        backend,
        saved,
        stop,
        effects: 0,
        pushes_before,
    };
    let run_id = format!("run-{}", host.linkedin.clock.timestamp_millis());
    match block_on(drive(&mut planner, &mut host, run_id, trigger)) {
        Ok(report) => (planner.state().clone(), Some(report)),
        Err(Stopped) => (host.saved, None),
    }
}

/// Polls a future that never waits (every simulated effect is immediate) to its end.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("a simulated effect waited"),
    }
}
