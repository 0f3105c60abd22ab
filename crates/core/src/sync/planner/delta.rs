//! The pass's first call: LinkedIn's sync-token answer, the conversations changed and deleted
//! since the token of the last complete pass. Deletions ride with the next batch. Once a
//! listing has shown that the answer names every conversation with new activity, a page
//! visit's pass takes it for the listing: one request instead of a list page per folder.

use chrono::{DateTime, Duration, Utc};

use super::Planner;
use super::run::Run;
use crate::model::{Conversation, ConversationPage};
use crate::sync::effects::Step;
use crate::sync::state::{DeltaCheck, Pass};
use crate::sync::trigger::SyncTrigger;

/// LinkedIn's pages hold 20: an answer naming that many may have been cut short.
const CUT_SHORT_AT: usize = 20;

/// New activity this much older than the sync-token answer should have been in it; anything
/// closer may have come after it, or the browser's clock may run ahead of LinkedIn's.
const CLOCK_MARGIN: Duration = Duration::minutes(10);

impl Planner {
    /// Conversations deleted since the stored token ride with the next batch. Those changed
    /// without new activity (moved to another folder), which a listing stops short of at the
    /// watermark, ride with it too as LinkedIn shows them now when the CRM holds them whole,
    /// or are announced and paged (one new to a synced folder, out of spam say). Those with new
    /// activity are left to the listing, or taken as if listed when the answer stands for it.
    pub(super) fn take_deletions(
        &mut self,
        run: &mut Run,
        page: ConversationPage,
        now: DateTime<Utc>,
    ) {
        let asked_since_token = self.state.sync_token.is_some();
        let stands_for_listing = run.pass.as_ref().is_some_and(|pass| {
            asked_since_token && self.answer_stands_for_listing(pass, &page, now)
        });
        run.pending.deleted.extend(page.deleted);
        let Some(pass) = run.pass.as_mut() else {
            return;
        };
        pass.deletions_checked = true;
        pass.next_sync_token = page.new_sync_token;
        let (true, Some(stop)) = (asked_since_token, pass.stop_at) else {
            return;
        };
        if stands_for_listing {
            pass.delta_only = true;
            pass.next_page = None;
            pass.folders_after.clear();
        } else if !page.should_clear_cache {
            pass.delta_check = Some(DeltaCheck {
                asked_at: now,
                named: page.conversations.iter().map(|c| c.urn.clone()).collect(),
                confirmed: false,
                missed: false,
            });
        }
        for conversation in page.conversations {
            let new_activity = conversation.last_activity_at > stop;
            if new_activity && !pass.delta_only {
                continue;
            }
            let floor = self.state.synced_through.get(&conversation.urn).copied();
            if floor.is_some_and(|through| through >= conversation.last_activity_at) {
                run.pending.conversations.push(conversation);
            } else if self.config.folders.contains(&conversation.folder())
                && pass.seen.insert(conversation.urn.clone())
            {
                pass.announce(conversation, &page.last_messages, floor);
            }
        }
    }

    /// A page visit's pass, with the answer proven by a listing recent enough, and nothing in
    /// the answer saying it is partial: no cut-short page, no cleared cache, no unread record.
    fn answer_stands_for_listing(
        &self,
        pass: &Pass,
        page: &ConversationPage,
        now: DateTime<Utc>,
    ) -> bool {
        pass.trigger == SyncTrigger::PageVisit
            && pass.stop_at.is_some()
            && self.state.delta_proven
            && self
                .state
                .listed_at
                .is_some_and(|listed| now - listed < self.config.list_every)
            && page.new_sync_token.is_some()
            && !page.should_clear_cache
            && page.skipped.is_empty()
            && page.conversations.len() < CUT_SHORT_AT
    }

    /// The deletion check failed in a way retrying will not fix: list without it, and start
    /// over with a fresh token next pass (deletions in between stay in the CRM).
    pub(super) fn skip_deletions(
        &mut self,
        run: &mut Run,
        why: String,
        now: DateTime<Utc>,
    ) -> Step {
        run.note_error(format!(
            "could not ask LinkedIn for deleted conversations: {why}"
        ));
        self.state.sync_token = None;
        if let Some(pass) = run.pass.as_mut() {
            pass.deletions_checked = true;
            pass.next_sync_token = None;
        }
        self.advance(run, now)
    }
}

impl DeltaCheck {
    /// The listing found this conversation with new activity the CRM does not hold yet.
    pub(super) fn hold_against(&mut self, conversation: &Conversation) {
        if self.named.contains(&conversation.urn) {
            self.confirmed = true;
        } else if conversation.last_activity_at + CLOCK_MARGIN <= self.asked_at {
            self.missed = true;
        }
    }

    /// Whether the answer can stand for a listing: `Some` once this listing could tell.
    pub(super) fn verdict(&self) -> Option<bool> {
        if self.missed {
            Some(false)
        } else {
            self.confirmed.then_some(true)
        }
    }
}
