//! The state shared by every request handler.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use parking_lot::{Mutex, RwLock};

use ping_core::ids::{ConversationUrn, MessageUrn, QueryId};

use crate::config::{FakeConfig, Tuning};
use crate::data::Account;
use crate::data::message::Attachment;
use crate::faults::{Fault, FaultQueue};
use crate::limiter::{Limiter, LimiterState, Limits};
use crate::log::RequestLog;
use crate::media::{MediaCtx, unix_now};
use crate::queryids::{LiveQueryIds, MessagingPage};
use crate::snapshot::{self, Snapshot};

/// Everything a running server knows.
#[derive(Debug)]
pub struct Shared {
    pub config: FakeConfig,
    pub tuning: RwLock<Tuning>,
    pub account: RwLock<Account>,
    pub faults: Mutex<FaultQueue>,
    pub log: Mutex<RequestLog>,
    pub query_ids: Mutex<LiveQueryIds>,
    /// The limiter over the member's calls, while on.
    pub limiter: Mutex<Option<Limiter>>,
    revoked: AtomicBool,
    /// HTML pages served so far; each gets its own page instance id.
    pub page_loads: AtomicU64,
    /// `http(s)://127.0.0.1:PORT`.
    pub base_url: String,
    /// Key of the picture URL signatures.
    pub media_key: Vec<u8>,
    /// The official API's fake: app, codes, tokens, leads, faults.
    pub official: Mutex<crate::official::OfficialState>,
}

impl Shared {
    /// State for a freshly generated account.
    pub fn new(config: FakeConfig, tuning: Tuning, account: Account, base_url: String) -> Self {
        let media_key = format!("fake-media-key-{}", config.account.seed).into_bytes();
        let limiter = config
            .limiter
            .map(|limits| Limiter::new(limits, config.limiter_clock.clone()));
        Self {
            config,
            tuning: RwLock::new(tuning),
            account: RwLock::new(account),
            faults: Mutex::new(FaultQueue::default()),
            log: Mutex::new(RequestLog::default()),
            query_ids: Mutex::new(LiveQueryIds::default()),
            limiter: Mutex::new(limiter),
            revoked: AtomicBool::new(false),
            page_loads: AtomicU64::new(0),
            base_url,
            media_key,
            official: Mutex::new(crate::official::OfficialState::default()),
        }
    }

    /// Whether the session has been revoked.
    pub fn is_revoked(&self) -> bool {
        self.revoked.load(Ordering::SeqCst)
    }

    /// Revokes or restores the session.
    pub fn set_revoked(&self, revoked: bool) {
        self.revoked.store(revoked, Ordering::SeqCst);
    }

    /// What picture and attachment URLs rendered now look like.
    pub fn media_ctx(&self) -> MediaCtx {
        let tuning = self.tuning.read();
        let (base, attachment_base) = if tuning.media_direct {
            (format!("{}/media", self.base_url), self.base_url.clone())
        } else {
            (
                "https://media.licdn.com".to_owned(),
                "https://www.linkedin.com".to_owned(),
            )
        };
        let now = unix_now();
        MediaCtx {
            base,
            key: self.media_key.clone(),
            expires: now.saturating_add(tuning.media_ttl_secs),
            attachment_base,
            attachment_expires: now.saturating_add(tuning.attachment_ttl_secs),
        }
    }
}

/// The operations both the library API and the control API offer.
impl Shared {
    /// Injects a fault for the next `times` Voyager calls (`None`: until cleared).
    /// [`Fault::RotateQueryIds`] rotates the live ids at once instead.
    pub fn inject(&self, fault: Fault, times: Option<u32>) {
        if fault == Fault::RotateQueryIds {
            self.query_ids.lock().rotate(MessagingPage::EveryId);
        } else {
            self.faults.lock().push(fault, times);
        }
    }

    /// Removes every fault and brings the built-in query ids back.
    pub fn clear_faults(&self) {
        self.faults.lock().clear();
        self.query_ids.lock().restore();
    }

    /// Turns the limiter on afresh with `limits`, or off.
    pub fn set_limiter(&self, limits: Option<Limits>) {
        *self.limiter.lock() =
            limits.map(|limits| Limiter::new(limits, self.config.limiter_clock.clone()));
    }

    /// What the limiter has seen (all zero while it is off).
    pub fn limiter_state(&self) -> LimiterState {
        self.limiter
            .lock()
            .as_ref()
            .map(Limiter::state)
            .unwrap_or_default()
    }

    /// Rotates the live query ids and returns the new ones; the messaging page then requests
    /// what `messaging_page` says.
    pub fn rotate(&self, messaging_page: MessagingPage) -> Vec<QueryId> {
        let mut ids = self.query_ids.lock();
        ids.rotate(messaging_page);
        ids.ids().to_vec()
    }

    /// New messages arrive now (real clock) in `count` conversations.
    pub fn add_activity(&self, count: usize, each: usize) -> Vec<ConversationUrn> {
        let now_ms = unix_now_ms();
        self.account.write().add_activity(count, each, now_ms)
    }

    /// A new conversation, newest of all, with one message from a member per attachment.
    /// Returns its URN and, per message, the message URN and asset id.
    pub fn add_attachment_conversation(
        &self,
        attachments: Vec<Attachment>,
    ) -> (ConversationUrn, Vec<(MessageUrn, String)>) {
        let mut account = self.account.write();
        let index = account.add_attachment_conversation(attachments, unix_now_ms());
        let owner = account.owner().urn.clone();
        let conv = &account.conversations[index];
        let messages = (0..conv.messages.len())
            .filter_map(|ordinal| {
                let urn = MessageUrn::new(owner.clone(), &conv.message_id(ordinal)).ok()?;
                Some((urn, conv.attachment_asset(ordinal)))
            })
            .collect();
        (conv.urn.clone(), messages)
    }

    /// Ground truth.
    pub fn snapshot(&self) -> Snapshot {
        let ids = self.query_ids.lock().ids().to_vec();
        snapshot::build(&self.account.read(), ids)
    }
}

fn unix_now_ms() -> i64 {
    unix_now().saturating_mul(1000)
}
