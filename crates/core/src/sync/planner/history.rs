//! After the pass: older messages of conversations whose newest page came first, recent
//! conversations first, as far as the budget allows; the next runs carry on from the state.

use chrono::{DateTime, Utc};

use super::Planner;
use super::paging::read_page;
use super::pass::note_skipped_messages;
use super::run::{Done, GapChange, Run};
use crate::model::MessagePage;
use crate::sync::effects::Step;
use crate::voyager::VoyagerCall;

impl Planner {
    /// The next step of the history phase: a page, a batch, or on to the backfill.
    pub(super) fn advance_history(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        if self.batch_full(run) {
            return self.push(run, now);
        }
        if run.history.is_none() {
            run.history = self
                .state
                .history
                .iter()
                .filter(|(urn, _)| !run.history_begun.contains(*urn))
                .max_by_key(|(urn, gap)| (gap.conversation.last_activity_at, (*urn).clone()))
                .map(|(_, gap)| gap.clone());
        }
        if let Some(current) = &run.history {
            run.history_begun.insert(current.conversation.urn.clone());
            let call = VoyagerCall::Messages {
                conversation: current.conversation.urn.clone(),
                query: current.next.clone(),
            };
            return self.fetch(run, call, now);
        }
        if !run.pending.is_empty() || !run.completed.is_empty() {
            return self.push(run, now);
        }
        self.begin_backfill(run, now)
    }

    pub(super) fn take_history_page(&mut self, run: &mut Run, page: MessagePage) {
        note_skipped_messages(run, &page);
        let cursors = page.prev_cursor.is_some();
        let Some(current) = run.history.as_mut() else {
            return;
        };
        let none_skipped = Default::default();
        let verdict = read_page(current, page, None, &none_skipped, self.state.cursors_seen);
        self.state.cursors_seen |= cursors;
        run.counters.messages_fetched += verdict.fresh.len() as u32;
        run.pending.messages.extend(verdict.fresh);
        if verdict.next.is_none() {
            let urn = current.conversation.urn.clone();
            run.history = None;
            run.completed.push(Done {
                urn,
                through: None,
                history: GapChange::Close,
            });
        }
    }

    /// An acknowledged batch in the history phase: the conversation being paged resumes from
    /// its live position.
    pub(super) fn checkpoint_history(&mut self, run: &Run) {
        if let Some(current) = &run.history {
            self.state
                .history
                .insert(current.conversation.urn.clone(), current.clone());
        }
    }
}
