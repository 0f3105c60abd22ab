use chrono::{DateTime, Utc};

use crate::ids::{ConversationUrn, ProfileUrn, QueryId, SessionFingerprint};
use crate::sorted::{SortedMap, SortedSet};
use crate::sync::attachments::{AttachmentRequest, AttachmentSkip};
use crate::sync::effects::{AvatarTransfer, ProfileLookups, PushPlan, Transport};
use crate::sync::state::{InProgress, Pass};
use crate::sync::trigger::SyncTrigger;
use crate::voyager::{QueryKind, VoyagerCall};

/// The most error lines one report carries.
const MAX_ERRORS: usize = 20;

/// One run, in memory only: what is not yet acknowledged is fetched again after a restart.
pub(super) struct Run {
    pub id: String,
    pub trigger: SyncTrigger,
    pub started_at: DateTime<Utc>,
    pub phase: Phase,
    /// The session `/me` is asked about, kept in the state once it answers.
    pub session: Option<SessionFingerprint>,
    /// The live position of the pass (the checkpoint in `SyncState` lags at the last ack).
    pub pass: Option<Pass>,
    /// The pass was begun by an earlier, interrupted run.
    pub resumed: bool,
    pub pending: PushPlan,
    /// Conversations whose wanted messages are all in `pending`.
    pub completed: Vec<Done>,
    /// The conversation whose older history is being paged (after the pass).
    pub history: Option<InProgress>,
    /// Conversations whose history this run has begun, so that none is paged twice.
    pub history_begun: SortedSet<ConversationUrn>,
    pub awaiting: Option<Awaiting>,
    pub transport: Transport,
    pub csrf_failures: u32,
    /// Consecutive failed attempts of the awaited effect.
    pub attempts: u32,
    /// The query ids LinkedIn refused in this run, per variant: the next candidate is tried.
    pub refused_query_ids: SortedMap<QueryKind, SortedSet<QueryId>>,
    pub backfill: Vec<ProfileUrn>,
    pub backfill_next: usize,
    pub lookups: ProfileLookups,
    /// The backend answered a push of this run, naming the contacts it lacks.
    pub backend_answered: bool,
    pub avatars: Vec<AvatarTransfer>,
    pub avatar_next: usize,
    /// Attachments the backend lacks, in the order it named them (newest messages first).
    pub attachments: Vec<AttachmentRequest>,
    pub attachment_next: usize,
    /// Where the URL of the attachment at `attachment_next` stands.
    pub attachment_url: AttachmentUrl,
    /// Attachments this run began to download (a refreshed retry is the same one).
    pub attachments_begun: usize,
    /// Attachments that will not come, to tell the backend.
    pub attachment_skips: Vec<AttachmentSkip>,
    pub counters: Counters,
    pub errors: Vec<String>,
}

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Asking `/me` whose mailbox this is.
    Identify,
    /// Listing conversations and paging their messages.
    Pass,
    /// Paging back through older messages, recent conversations first.
    History,
    /// Fetching profiles the backend asked for, then uploading avatars.
    Backfill,
    /// Downloading attachments the backend lacks and uploading them.
    Attachments,
}

/// The URL of the attachment being downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum AttachmentUrl {
    /// The one the backend stored.
    Stored,
    /// LinkedIn refused the stored one with `status`: the message is being re-read.
    Rereading { status: u16 },
    /// Read afresh from the message.
    Refreshed(String),
}

/// The effect whose outcome the next event reports.
pub(super) enum Awaiting {
    Fetch {
        call: VoyagerCall,
        query_id: Option<QueryId>,
    },
    Push {
        batch: PushPlan,
        completed: Vec<Done>,
    },
    PushProfiles {
        lookups: ProfileLookups,
    },
    Avatar,
    Attachment,
    SkipReport,
    Wait {
        then: Resume,
    },
}

/// What to do when a wait is over.
pub(super) enum Resume {
    Refetch {
        call: VoyagerCall,
    },
    Repush {
        batch: PushPlan,
        completed: Vec<Done>,
    },
    RepushProfiles {
        lookups: ProfileLookups,
    },
    /// Download the attachment at `attachment_next`, once the pace allows.
    Transfer,
}

/// A conversation whose wanted messages are all pushed once its batch is acknowledged.
pub(super) struct Done {
    pub urn: ConversationUrn,
    /// Its new synced-through mark, when the batch moves it.
    pub through: Option<DateTime<Utc>>,
    pub history: GapChange,
}

/// What an acknowledged batch does to a conversation's older history.
pub(super) enum GapChange {
    Keep,
    /// Older messages remain, from here back.
    Open(Box<InProgress>),
    /// The history is complete.
    Close,
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counters {
    pub conversations: u32,
    pub messages: u32,
    pub messages_fetched: u32,
    pub profiles: u32,
    pub attachments: u32,
    pub requests: u32,
}

impl Run {
    pub fn new(id: String, trigger: SyncTrigger, now: DateTime<Utc>) -> Self {
        Self {
            id,
            trigger,
            started_at: now,
            phase: Phase::Identify,
            session: None,
            pass: None,
            resumed: false,
            pending: PushPlan::default(),
            completed: Vec::new(),
            history: None,
            history_begun: SortedSet::new(),
            awaiting: None,
            transport: Transport::Direct,
            csrf_failures: 0,
            attempts: 0,
            refused_query_ids: SortedMap::new(),
            backfill: Vec::new(),
            backfill_next: 0,
            backend_answered: false,
            lookups: ProfileLookups::default(),
            avatars: Vec::new(),
            avatar_next: 0,
            attachments: Vec::new(),
            attachment_next: 0,
            attachment_url: AttachmentUrl::Stored,
            attachments_begun: 0,
            attachment_skips: Vec::new(),
            counters: Counters::default(),
            errors: Vec::new(),
        }
    }

    pub fn note_error(&mut self, error: String) {
        if self.errors.len() < MAX_ERRORS && !self.errors.contains(&error) {
            self.errors.push(error);
        }
    }

    /// Adds attachments a push answer named, each once.
    pub fn request_attachments(&mut self, attachments: Vec<AttachmentRequest>) {
        for attachment in attachments {
            if !self
                .attachments
                .iter()
                .any(|known| known.message == attachment.message && known.index == attachment.index)
            {
                self.attachments.push(attachment);
            }
        }
    }

    pub fn request_backfill(&mut self, members: Vec<ProfileUrn>, avatars: Vec<AvatarTransfer>) {
        for member in members {
            if !self.backfill.contains(&member) {
                self.backfill.push(member);
            }
        }
        for avatar in avatars {
            if !self
                .avatars
                .iter()
                .any(|known| known.member == avatar.member)
            {
                self.avatars.push(avatar);
            }
        }
    }
}
