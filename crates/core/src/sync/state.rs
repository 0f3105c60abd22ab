use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ConversationUrn, MessageUrn, SessionFingerprint, SyncToken};
use crate::model::{Account, Conversation, ConversationFolder, Message};
use crate::sorted::{SortedMap, SortedSet};
use crate::voyager::{ConversationsQuery, MessagesQuery};

use super::pace::PaceLog;
use super::trigger::SyncTrigger;

/// What survives between runs and across a stopped service worker. Persist it whenever the
/// planner's step says so ([`super::Step::save_state`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    pub(crate) account: Option<Account>,
    /// The LinkedIn session `/me` named `account` for: while the browser keeps it, no run
    /// asks again. Forgotten when LinkedIn ends a session.
    #[serde(default)]
    pub(crate) session: Option<SessionFingerprint>,
    /// The latest activity of the last complete pass: later passes stop listing there.
    pub(crate) watermark: Option<DateTime<Utc>>,
    pub(crate) last_completed_at: Option<DateTime<Utc>>,
    /// When the last pass that listed the folders completed. Only listings move the
    /// watermark: a pass that took the sync-token answer for one leaves it where a listing
    /// can check what that answer named.
    #[serde(default)]
    pub(crate) listed_at: Option<DateTime<Utc>>,
    /// The last listing that could tell found every conversation with new activity named by
    /// the sync-token answer before it: from then on a page visit's pass may take that answer
    /// for the listing ([`super::SyncConfig::list_every`]).
    #[serde(default)]
    pub(crate) delta_proven: bool,
    /// LinkedIn asked us to slow down: no automatic sync before this.
    pub(crate) retry_after: Option<DateTime<Utc>>,
    pub(crate) stop_reason: Option<StopReason>,
    /// Per conversation, the activity up to which every message has been pushed and
    /// acknowledged; message paging stops there.
    pub(crate) synced_through: SortedMap<ConversationUrn, DateTime<Utc>>,
    /// The unfinished pass, as of its last acknowledged batch.
    pub(crate) pass: Option<Pass>,
    /// LinkedIn's token as of the start of the last complete pass: the next pass asks which
    /// conversations were deleted since.
    #[serde(default)]
    pub(crate) sync_token: Option<SyncToken>,
    /// Conversations whose older messages are still to come: the first pass brought only
    /// their newest page (recent first); later runs page back from here within the budget.
    #[serde(default)]
    pub(crate) history: SortedMap<ConversationUrn, InProgress>,
    /// LinkedIn's message pages were seen to carry `prevCursor`: from then on a page without
    /// one is the end of a conversation's history, and no confirming request is needed.
    #[serde(default)]
    pub(crate) cursors_seen: bool,
    /// Per query variant, the id LinkedIn last answered: later runs try it first instead of
    /// spending requests on ids it refuses.
    #[serde(default)]
    pub(crate) working_query_ids: crate::voyager::WorkingQueryIds,
    /// The calls made within the budget windows. Saved on its own before every call
    /// ([`super::SyncHost::save_pace`]), far more often than the rest, so it is not part of
    /// the state's serialized form.
    #[serde(skip)]
    pub(crate) pace: PaceLog,
}

impl SyncState {
    /// The mailbox owner, once a sync has asked LinkedIn.
    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }
    /// The latest activity of the last complete pass.
    pub fn watermark(&self) -> Option<DateTime<Utc>> {
        self.watermark
    }
    /// When the last pass completed.
    pub fn last_completed_at(&self) -> Option<DateTime<Utc>> {
        self.last_completed_at
    }
    /// No automatic sync before this (LinkedIn throttled us).
    pub fn retry_after(&self) -> Option<DateTime<Utc>> {
        self.retry_after
    }
    /// Why the last run did not complete, until a run completes.
    pub fn stop_reason(&self) -> Option<&StopReason> {
        self.stop_reason.as_ref()
    }
    /// Whether a pass was interrupted and will resume at the next trigger.
    pub fn has_unfinished_pass(&self) -> bool {
        self.pass.is_some()
    }
    /// Whether older messages of some conversations are still to come.
    pub fn has_pending_history(&self) -> bool {
        !self.history.is_empty()
    }
    /// Conversations whose whole history is synced, and conversations known so far.
    pub fn history_progress(&self) -> HistoryProgress {
        let queued = self.pass.as_ref().map_or(0, |pass| {
            let current = pass
                .current
                .as_ref()
                .filter(|current| !self.synced_through.contains_key(&current.conversation.urn));
            pass.queue
                .iter()
                .chain(&pass.bare)
                .filter(|conversation| !self.synced_through.contains_key(&conversation.urn))
                .count()
                + usize::from(current.is_some())
        });
        HistoryProgress {
            complete: self.synced_through.len().saturating_sub(self.history.len()),
            known: self.synced_through.len() + queued,
        }
    }
    /// The calls made within the budget windows.
    pub fn pace(&self) -> &PaceLog {
        &self.pace
    }
    /// The state with the calls made, as saved by [`super::SyncHost::save_pace`].
    #[must_use]
    pub fn with_pace(self, pace: PaceLog) -> Self {
        Self { pace, ..self }
    }
}

/// How much of the mailbox's history is synced, for the popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryProgress {
    /// Conversations whose whole history is in the CRM.
    pub complete: usize,
    /// Conversations known so far.
    pub known: usize,
}

/// Why the last run stopped before completing; the popup explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "reason",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    try_from = "StoredStopReason"
)]
pub enum StopReason {
    /// No usable LinkedIn cookies, or LinkedIn ended the session: log in on linkedin.com.
    LinkedInSessionExpired,
    /// LinkedIn asked us to slow down; the sync continues after `until`.
    LinkedInThrottled {
        /// When the backoff ends: LinkedIn's `Retry-After`, else our own doubling delay.
        until: DateTime<Utc>,
    },
    /// LinkedIn showed a security check; the user must open linkedin.com.
    LinkedInChallenge,
    /// The call budget that keeps the account safe is spent for now; the sync continues at
    /// `until`.
    BudgetSpent {
        /// When enough calls leave the budget's window.
        until: DateTime<Utc>,
    },
    /// Every known query id was refused: open linkedin.com/messaging to learn the new ones.
    LinkedInApiChanged,
    /// LinkedIn kept failing (5xx, network).
    LinkedInUnavailable {
        /// The last failure: the HTTP status or the network error.
        detail: String,
    },
    /// The backend did not answer.
    BackendUnreachable {
        /// The network error or the HTTP status.
        detail: String,
    },
    /// The backend refused this browser's token: pair again.
    PairingRejected,
    /// Anything else, in words.
    Failed {
        /// What went wrong, for a person.
        detail: String,
    },
}

/// An unfinished pass: where it is, as of its last acknowledged batch.
/// A [`StopReason`] as stored, read as one flat record. Deriving `Deserialize` on the
/// internally tagged enum would buffer every field through serde's `Content` first, which
/// compiles to several times this code in the extension's wasm (issue 12); the JSON is the same.
#[derive(Deserialize)]
struct StoredStopReason {
    reason: StopKind,
    until: Option<DateTime<Utc>>,
    detail: Option<String>,
}

/// The `reason` tag of a [`StopReason`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum StopKind {
    LinkedInSessionExpired,
    LinkedInThrottled,
    LinkedInChallenge,
    BudgetSpent,
    LinkedInApiChanged,
    LinkedInUnavailable,
    BackendUnreachable,
    PairingRejected,
    Failed,
}

impl TryFrom<StoredStopReason> for StopReason {
    type Error = &'static str;

    fn try_from(stored: StoredStopReason) -> Result<Self, Self::Error> {
        let until = || stored.until.ok_or("missing field `until`");
        let detail = || stored.detail.clone().ok_or("missing field `detail`");
        Ok(match stored.reason {
            StopKind::LinkedInSessionExpired => Self::LinkedInSessionExpired,
            StopKind::LinkedInThrottled => Self::LinkedInThrottled { until: until()? },
            StopKind::LinkedInChallenge => Self::LinkedInChallenge,
            StopKind::BudgetSpent => Self::BudgetSpent { until: until()? },
            StopKind::LinkedInApiChanged => Self::LinkedInApiChanged,
            StopKind::LinkedInUnavailable => Self::LinkedInUnavailable { detail: detail()? },
            StopKind::BackendUnreachable => Self::BackendUnreachable { detail: detail()? },
            StopKind::PairingRejected => Self::PairingRejected,
            StopKind::Failed => Self::Failed { detail: detail()? },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Pass {
    pub started_at: DateTime<Utc>,
    pub trigger: SyncTrigger,
    /// The watermark when the pass began: listing stops at or below it.
    pub stop_at: Option<DateTime<Utc>>,
    /// The latest activity seen in this pass; the watermark once the pass completes.
    pub high_water: Option<DateTime<Utc>>,
    /// The next page of the conversation list, or `None` once listing reached the watermark.
    pub next_page: Option<ConversationsQuery>,
    /// The folder `next_page` lists, and the folders to list after it.
    #[serde(default)]
    pub folder: ConversationFolder,
    #[serde(default)]
    pub folders_after: VecDeque<ConversationFolder>,
    /// Changed conversations listed in this pass whose newest page is not fetched yet.
    pub queue: VecDeque<Conversation>,
    /// Those whose latest message the list did not carry: their newest page comes first, so
    /// that every conversation shows its latest message as early as possible.
    #[serde(default)]
    pub bare: VecDeque<Conversation>,
    /// The conversation whose messages are being paged, and the next page to ask for.
    pub current: Option<InProgress>,
    /// Conversations listed in this pass, to skip repeats when pages overlap.
    pub seen: SortedSet<ConversationUrn>,
    /// Changed conversations listed but not yet sent to the backend, and the latest message
    /// the list carried for each.
    #[serde(default)]
    pub to_announce: VecDeque<Conversation>,
    #[serde(default)]
    pub latest: SortedMap<ConversationUrn, Message>,
    /// Latest messages sent with their conversation: a message page that brings one again
    /// does not push it twice.
    #[serde(default)]
    pub listed: SortedSet<MessageUrn>,
    /// Whether this pass has asked LinkedIn for deleted conversations yet (its first call).
    #[serde(default)]
    pub deletions_checked: bool,
    /// The token LinkedIn gave with that answer; stored once the pass completes.
    #[serde(default)]
    pub next_sync_token: Option<SyncToken>,
    /// The sync-token answer stood in for the listing: nothing was listed.
    #[serde(default)]
    pub delta_only: bool,
    /// What the sync-token answer named, checked against the listing that follows it.
    #[serde(default)]
    pub delta_check: Option<DeltaCheck>,
}

/// A sync-token answer held against the listing of the same pass: did it name every
/// conversation the listing found with new activity?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeltaCheck {
    /// When the answer came (the browser's clock).
    pub asked_at: DateTime<Utc>,
    /// The conversations it named.
    pub named: SortedSet<ConversationUrn>,
    /// The listing found one of them with new activity.
    pub confirmed: bool,
    /// The listing found new activity it did not name, from well before it was asked.
    pub missed: bool,
}

/// A conversation whose messages are partly fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InProgress {
    pub conversation: Conversation,
    pub next: MessagesQuery,
    /// Messages already taken at the instant the next page reaches back to (the anchor is one
    /// millisecond past it), so a resumed run does not push them again.
    #[serde(default)]
    pub taken_at_anchor: Vec<MessageUrn>,
}

impl Pass {
    /// A pass listing `folders` one after the other (the first is listed first).
    pub fn begin(
        trigger: SyncTrigger,
        stop_at: Option<DateTime<Utc>>,
        folders: &[ConversationFolder],
        now: DateTime<Utc>,
    ) -> Self {
        let mut folders: VecDeque<ConversationFolder> = folders.iter().copied().collect();
        Self {
            started_at: now,
            trigger,
            stop_at,
            high_water: None,
            next_page: Some(Self::first_page(now)),
            folder: folders.pop_front().unwrap_or_default(),
            folders_after: folders,
            queue: VecDeque::new(),
            bare: VecDeque::new(),
            current: None,
            seen: SortedSet::new(),
            to_announce: VecDeque::new(),
            latest: SortedMap::new(),
            listed: SortedSet::new(),
            deletions_checked: false,
            next_sync_token: None,
            delta_only: false,
            delta_check: None,
        }
    }

    /// The first page of a folder's list in a pass that began at `started_at`.
    pub fn first_page(started_at: DateTime<Utc>) -> ConversationsQuery {
        // A day ahead: the browser's clock may lag LinkedIn's, and the newest conversations
        // must not fall outside the first page.
        ConversationsQuery::Before(started_at + Duration::days(1))
    }

    /// The current folder's list has ended: go on with the next folder, if any is left.
    pub fn next_folder(&mut self) {
        if let Some(folder) = self.folders_after.pop_front() {
            self.folder = folder;
            self.next_page = Some(Self::first_page(self.started_at));
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn every_stop_reason() -> Vec<StopReason> {
        let until = Utc.with_ymd_and_hms(2025, 10, 9, 9, 0, 0).unwrap();
        let detail = "HTTP 503".to_owned();
        vec![
            StopReason::LinkedInSessionExpired,
            StopReason::LinkedInThrottled { until },
            StopReason::LinkedInChallenge,
            StopReason::BudgetSpent { until },
            StopReason::LinkedInApiChanged,
            StopReason::LinkedInUnavailable {
                detail: detail.clone(),
            },
            StopReason::BackendUnreachable {
                detail: detail.clone(),
            },
            StopReason::PairingRejected,
            StopReason::Failed { detail },
        ]
    }

    /// Fails to compile when a variant is added: it needs a `StopKind` and a case above.
    fn listed(reason: &StopReason) -> bool {
        match reason {
            StopReason::LinkedInSessionExpired
            | StopReason::LinkedInThrottled { .. }
            | StopReason::LinkedInChallenge
            | StopReason::BudgetSpent { .. }
            | StopReason::LinkedInApiChanged
            | StopReason::LinkedInUnavailable { .. }
            | StopReason::BackendUnreachable { .. }
            | StopReason::PairingRejected
            | StopReason::Failed { .. } => true,
        }
    }

    #[test]
    fn every_stop_reason_reads_back_as_it_was_written() {
        for reason in every_stop_reason().iter().filter(|reason| listed(reason)) {
            let json = serde_json::to_string(&reason).unwrap();
            let read: StopReason = serde_json::from_str(&json).unwrap();
            assert_eq!(&read, reason, "{json}");
        }
        let throttled = serde_json::to_value(StopReason::LinkedInThrottled {
            until: Utc.with_ymd_and_hms(2025, 10, 9, 9, 0, 0).unwrap(),
        })
        .unwrap();
        assert_eq!(
            throttled,
            serde_json::json!({"reason": "linkedInThrottled", "until": "2025-10-09T09:00:00Z"})
        );
    }

    #[test]
    fn a_stop_reason_without_its_field_is_refused_by_name() {
        let error = serde_json::from_str::<StopReason>(r#"{"reason":"budgetSpent"}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `until`"),
            "{error}"
        );
        let error = serde_json::from_str::<StopReason>(r#"{"reason":"failed"}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `detail`"),
            "{error}"
        );
        let error = serde_json::from_str::<StopReason>(r#"{"reason":"bored"}"#).unwrap_err();
        assert!(
            error.to_string().contains("unknown variant `bored`"),
            "{error}"
        );
    }
}
