//! The pass: list conversations newest first down to the watermark, page each changed
//! conversation's messages back to what is synced, push in bounded batches, checkpoint.

use std::mem;

use chrono::{DateTime, Utc};

use super::paging::read_page;
use super::run::{Awaiting, Done, GapChange, Phase, Resume, Run};
use super::{Planner, backoff_delay};
use crate::model::{
    Account, Conversation, ConversationFolder, ConversationPage, Message, MessagePage,
};
use crate::sync::effects::{Effect, PushAck, PushFailure, PushPlan, Step};
use crate::sync::report::RunOutcome;
use crate::sync::state::{DeltaCheck, InProgress, Pass, StopReason, SyncState};
use crate::sync::trigger::SyncTrigger;
use crate::voyager::{ConversationsQuery, MessagesQuery, VoyagerCall};

impl Planner {
    /// `/me` answered, or the session is the one it answered for: resume the unfinished pass
    /// of this mailbox, or begin a new one.
    pub(super) fn begin_pass(
        &mut self,
        run: &mut Run,
        account: Account,
        now: DateTime<Utc>,
    ) -> Step {
        let same_mailbox = self
            .state
            .account
            .as_ref()
            .is_some_and(|known| known.profile == account.profile);
        if !same_mailbox {
            // Another LinkedIn account is logged in: nothing synced so far applies to it, but
            // the calls made so far still count against this browser's budgets.
            let pace = std::mem::take(&mut self.state.pace);
            self.state = SyncState {
                pace,
                ..SyncState::default()
            };
        }
        self.state.account = Some(account);
        if let Some(session) = run.session.take() {
            self.state.session = Some(session);
        }
        run.resumed = self.state.pass.is_some();
        if !run.resumed && self.listing_is_fresh(run, now) {
            // What stopped the last run (a spent budget) is over: this one goes on.
            self.state.retry_after = None;
            self.state.stop_reason = None;
            run.phase = Phase::History;
            return self.advance_history(run, now).saving();
        }
        let pass = self.state.pass.clone();
        run.pass = Some(pass.unwrap_or_else(|| self.begin_listing(run, now)));
        run.phase = Phase::Pass;
        self.advance(run, now)
    }

    /// A page visit that comes back for older history soon after a complete listing goes
    /// straight to it: listing again would spend calls on pages just read (the budget lets a
    /// deep history through in many short runs).
    fn listing_is_fresh(&self, run: &Run, now: DateTime<Utc>) -> bool {
        run.trigger == SyncTrigger::PageVisit
            && self.state.has_pending_history()
            && self
                .state
                .last_completed_at
                .is_some_and(|listed| now - listed < self.config.relist_after)
    }

    pub(super) fn take_conversation_page(&mut self, run: &mut Run, page: ConversationPage) {
        for skipped in &page.skipped {
            run.note_error(format!(
                "skipped a conversation LinkedIn sent that could not be read: {}",
                skipped.reason
            ));
        }
        let Some(pass) = run.pass.as_mut() else {
            return;
        };
        let mut fresh = 0;
        let mut reached_watermark = false;
        for conversation in page.conversations {
            if !pass.seen.insert(conversation.urn.clone()) {
                continue;
            }
            fresh += 1;
            pass.high_water = pass.high_water.max(Some(conversation.last_activity_at));
            if pass
                .stop_at
                .is_some_and(|stop| conversation.last_activity_at <= stop)
            {
                reached_watermark = true;
                continue;
            }
            let floor = self.state.synced_through.get(&conversation.urn).copied();
            if floor.is_some_and(|through| through >= conversation.last_activity_at) {
                // Brought whole by a sync-token answer since the last listing.
                run.pending.conversations.push(conversation);
                continue;
            }
            if let Some(check) = pass.delta_check.as_mut() {
                check.hold_against(&conversation);
            }
            pass.announce(conversation, &page.last_messages, floor);
        }
        // The end of a folder's list: the watermark, a last page (no cursor, or nothing new on
        // it — LinkedIn has been seen to repeat page one when it ignores the paging parameter,
        // and to list every folder whichever category was asked).
        match page.next_cursor {
            Some(cursor) if fresh > 0 && !reached_watermark => {
                pass.next_page = Some(ConversationsQuery::Cursor(cursor));
            }
            _ => {
                pass.next_page = None;
                pass.next_folder();
            }
        }
    }

    fn begin_listing(&self, run: &Run, now: DateTime<Utc>) -> Pass {
        Pass::begin(run.trigger, self.state.watermark, &self.config.folders, now)
    }

    pub(super) fn take_message_page(&mut self, run: &mut Run, page: MessagePage) {
        note_skipped_messages(run, &page);
        let cursors = page.prev_cursor.is_some();
        let Some(pass) = run.pass.as_mut() else {
            return;
        };
        let Some(current) = pass.current.as_mut() else {
            return;
        };
        let urn = current.conversation.urn.clone();
        let floor = self.state.synced_through.get(&urn).copied();
        let first_page = current.next == MessagesQuery::Latest;
        let verdict = read_page(current, page, floor, &pass.listed, self.state.cursors_seen);
        self.state.cursors_seen |= cursors;
        run.counters.messages_fetched += verdict.fresh.len() as u32;
        run.pending.messages.extend(verdict.fresh);
        // A conversation seen for the first time brings only its newest page in the pass;
        // its older messages come later, within the budget (recent first).
        let history = match verdict.next {
            None => GapChange::Keep,
            Some(_) if first_page && floor.is_none() => GapChange::Open(Box::new(current.clone())),
            Some(_) => return,
        };
        let last_activity = current.conversation.last_activity_at;
        pass.current = None;
        run.completed.push(Done {
            urn,
            through: Some(last_activity),
            history,
        });
    }

    /// The next step of the pass.
    pub(super) fn advance(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        if self.batch_full(run) {
            return self.push(run, now);
        }
        let Some(pass) = run.pass.as_mut() else {
            return self.stop(
                run,
                RunOutcome::Failed,
                StopReason::Failed {
                    detail: "no pass to continue".into(),
                },
                now,
            );
        };
        if !pass.deletions_checked {
            let query = ConversationsQuery::SyncToken(self.state.sync_token.clone());
            let folder = ConversationFolder::default();
            return self.fetch(run, VoyagerCall::Conversations { query, folder }, now);
        }
        // Recent first: every change with its latest message, in bounded batches, as the list
        // pages come; then each changed conversation's newest messages.
        while run.pending.messages.len() < self.config.max_batch_messages
            && run.pending.conversations.len() < self.config.max_batch_conversations
        {
            let Some(conversation) = pass.to_announce.pop_front() else {
                break;
            };
            run.pending.conversations.push(conversation.clone());
            match pass.latest.remove(&conversation.urn) {
                Some(latest) => {
                    if pass.listed.insert(latest.urn.clone()) {
                        run.pending.messages.push(latest);
                        run.counters.messages_fetched += 1;
                    }
                    pass.queue.push_back(conversation);
                }
                None => pass.bare.push_back(conversation),
            }
        }
        // The last changes of the list go out at once, before any message page.
        let listed_all = pass.next_page.is_none();
        if !pass.to_announce.is_empty() || (listed_all && !run.pending.conversations.is_empty()) {
            return self.push(run, now);
        }
        if let Some(query) = pass.next_page.clone() {
            let folder = pass.folder;
            return self.fetch(run, VoyagerCall::Conversations { query, folder }, now);
        }
        if let Some(current) = &pass.current {
            let call = VoyagerCall::Messages {
                conversation: current.conversation.urn.clone(),
                query: current.next.clone(),
            };
            return self.fetch(run, call, now);
        }
        if let Some(conversation) = pass.bare.pop_front().or_else(|| pass.queue.pop_front()) {
            let call = VoyagerCall::Messages {
                conversation: conversation.urn.clone(),
                query: MessagesQuery::Latest,
            };
            pass.current = Some(InProgress {
                conversation,
                next: MessagesQuery::Latest,
                taken_at_anchor: Vec::new(),
            });
            return self.fetch(run, call, now);
        }
        if !run.pending.is_empty() || !run.completed.is_empty() {
            return self.push(run, now);
        }
        self.complete_pass(run, now)
    }

    pub(super) fn batch_full(&self, run: &Run) -> bool {
        run.pending.messages.len() >= self.config.max_batch_messages
            || run.pending.conversations.len() >= self.config.max_batch_conversations
    }

    pub(super) fn push(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        // A conversation split over several batches travels with each of its batches.
        let paged = run.pass.as_ref().and_then(|pass| pass.current.as_ref());
        if let Some(current) = paged.or(run.history.as_ref()) {
            let urn = &current.conversation.urn;
            let has_messages = run
                .pending
                .messages
                .iter()
                .any(|message| &message.conversation == urn);
            let has_record = run
                .pending
                .conversations
                .iter()
                .any(|conversation| &conversation.urn == urn);
            if has_messages && !has_record {
                run.pending.conversations.push(current.conversation.clone());
            }
        }
        let mut batch = mem::take(&mut run.pending);
        let completed = mem::take(&mut run.completed);
        for done in &completed {
            match done.history {
                GapChange::Keep => {}
                GapChange::Open(_) => batch.history_pending.push(done.urn.clone()),
                GapChange::Close => batch.history_complete.push(done.urn.clone()),
            }
        }
        self.send_push(run, batch, completed, now)
    }

    /// Pushes `batch` as the mailbox's; `completed` is acknowledged with it.
    pub(super) fn send_push(
        &mut self,
        run: &mut Run,
        batch: PushPlan,
        completed: Vec<Done>,
        now: DateTime<Utc>,
    ) -> Step {
        let Some(account) = self.state.account.clone() else {
            let detail = "a batch was ready before LinkedIn said whose mailbox it is".to_owned();
            return self.stop(run, RunOutcome::Failed, StopReason::Failed { detail }, now);
        };
        run.awaiting = Some(Awaiting::Push {
            batch: batch.clone(),
            completed,
        });
        Step::effect(Effect::Push { account, batch })
    }

    pub(super) fn on_pushed(
        &mut self,
        run: &mut Run,
        batch: PushPlan,
        completed: Vec<Done>,
        result: Result<PushAck, PushFailure>,
        now: DateTime<Utc>,
    ) -> Step {
        match result {
            Ok(ack) => {
                run.attempts = 0;
                run.backend_answered = true;
                run.counters.messages += batch.messages.len() as u32;
                run.counters.conversations += completed.len() as u32;
                for done in completed {
                    acknowledge(&mut self.state, done);
                }
                // The backend holds these histories already: no request is spent on them.
                for urn in &ack.history_covered {
                    self.state.history.remove(urn);
                    if run
                        .history
                        .as_ref()
                        .is_some_and(|gap| &gap.conversation.urn == urn)
                    {
                        run.history = None;
                    }
                }
                // The checkpoint: everything up to the live position is acknowledged now.
                if run.phase == Phase::History {
                    self.checkpoint_history(run);
                } else {
                    self.state.pass = run.pass.clone();
                }
                run.request_backfill(ack.backfill_needed, ack.avatar_requests);
                run.request_attachments(ack.attachment_requests);
                self.carry_on(run, now).saving()
            }
            Err(failure) => {
                self.on_push_failure(run, failure, Resume::Repush { batch, completed }, now)
            }
        }
    }

    pub(super) fn on_push_failure(
        &mut self,
        run: &mut Run,
        failure: PushFailure,
        retry: Resume,
        now: DateTime<Utc>,
    ) -> Step {
        match failure {
            PushFailure::Unreachable { detail } => {
                run.attempts += 1;
                if run.attempts <= self.config.max_retries {
                    let delay = backoff_delay(&self.config, self.config.transient_backoff, run);
                    return Self::wait(run, now + delay, retry);
                }
                self.stop(
                    run,
                    RunOutcome::Interrupted,
                    StopReason::BackendUnreachable { detail },
                    now,
                )
            }
            PushFailure::PairingRejected => {
                self.stop(run, RunOutcome::Failed, StopReason::PairingRejected, now)
            }
            PushFailure::Refused { status, detail } => {
                let detail = format!("the Ping backend refused the data ({status}: {detail})");
                self.stop(run, RunOutcome::Failed, StopReason::Failed { detail }, now)
            }
        }
    }

    /// Every change down to the watermark is acknowledged: move the watermark.
    fn complete_pass(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        if let Some(pass) = run.pass.take() {
            if !pass.delta_only {
                self.state.watermark = self.state.watermark.max(pass.high_water);
                self.state.listed_at = Some(now);
                if let Some(proven) = pass.delta_check.as_ref().and_then(DeltaCheck::verdict) {
                    self.state.delta_proven = proven;
                }
            }
            if let Some(token) = pass.next_sync_token {
                self.state.sync_token = Some(token);
            }
        }
        self.state.last_completed_at = Some(now);
        self.state.pass = None;
        self.state.retry_after = None;
        self.state.stop_reason = None;
        if run.resumed {
            // A resumed pass covers activity up to its own start: take what came since.
            run.resumed = false;
            run.pass = Some(self.begin_listing(run, now));
            return self.advance(run, now).saving();
        }
        run.phase = Phase::History;
        self.advance_history(run, now).saving()
    }
}

impl Pass {
    /// A conversation with new activity joins the pass: it and the latest message the page
    /// carried go to the backend first (recent first), then its messages are paged back to
    /// `floor`, what is synced of it.
    pub(super) fn announce(
        &mut self,
        conversation: Conversation,
        last_messages: &[Message],
        floor: Option<DateTime<Utc>>,
    ) {
        let latest = last_messages.iter().find(|message| {
            message.conversation == conversation.urn
                && floor.is_none_or(|floor| message.delivered_at > floor)
        });
        if let Some(latest) = latest {
            self.latest.insert(conversation.urn.clone(), latest.clone());
        }
        self.to_announce.push_back(conversation);
    }
}

pub(super) fn note_skipped_messages(run: &mut Run, page: &MessagePage) {
    for skipped in &page.skipped {
        run.note_error(format!(
            "skipped a message LinkedIn sent that could not be read: {}",
            skipped.reason
        ));
    }
}

/// A conversation's part of an acknowledged batch is the state's now.
fn acknowledge(state: &mut SyncState, done: Done) {
    if let Some(through) = done.through {
        state.synced_through.insert(done.urn.clone(), through);
    }
    match done.history {
        GapChange::Keep => {}
        GapChange::Open(gap) => {
            state.history.insert(done.urn, *gap);
        }
        GapChange::Close => {
            state.history.remove(&done.urn);
        }
    }
}
