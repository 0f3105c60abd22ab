mod attachments;
mod backfill;
mod delta;
mod history;
mod paging;
mod pass;
mod recovery;
mod run;

use chrono::{DateTime, Duration, Timelike, Utc};
use serde::{Deserialize, Serialize};

use self::run::{Awaiting, Phase, Resume, Run};
use super::attachments::AttachmentPolicy;
use super::effects::{Effect, Next, Outcome, Step, VoyagerFetch};
use super::pace::{Lane, PacePreset, Slot};
use super::report::{RunOutcome, RunReport};
use super::state::{StopReason, SyncState};
use super::trigger::SyncTrigger;
use crate::ids::{QueryId, SessionFingerprint};
use crate::model::ConversationFolder;
use crate::voyager::{QueryIdRegistry, QueryKind, VoyagerAnswer, VoyagerCall};

/// Limits and pacing of a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncConfig {
    /// A push batch is sent once it holds this many messages…
    pub max_batch_messages: usize,
    /// …or this many conversations.
    pub max_batch_conversations: usize,
    /// Profiles fetched for the backend per run.
    pub max_backfill_per_run: usize,
    /// Avatars fetched in the browser per run.
    pub max_avatar_transfers_per_run: usize,
    /// Attachments downloaded in the browser per run; each is a LinkedIn request.
    pub max_attachment_transfers_per_run: usize,
    /// Which attachments to download, and the largest.
    pub attachments: AttachmentPolicy,
    /// Backoffs up to this long are waited out inside the run; longer ones end it (it resumes
    /// at a later trigger).
    pub max_inline_wait: Duration,
    /// Retries of one request before the run gives up on it.
    pub max_retries: u32,
    /// First backoff after a 429/999 without `Retry-After`.
    pub throttle_backoff: Duration,
    /// First backoff after a 5xx or network failure.
    pub transient_backoff: Duration,
    /// The longest backoff: doubling stops here (plus up to 25% jitter).
    pub max_backoff: Duration,
    /// How long to leave LinkedIn alone after a security checkpoint.
    pub challenge_pause: Duration,
    /// How long to go at the Careful pace at most after LinkedIn throttled the session.
    pub throttle_slowdown: Duration,
    /// How long to go at the Careful pace at most after a security checkpoint.
    pub challenge_slowdown: Duration,
    /// How fast to call LinkedIn.
    pub pace: PacePreset,
    /// The folders listed, in this order; a conversation listed in two counts once.
    pub folders: Vec<ConversationFolder>,
    /// A page visit that resumes the paging of older history lists new activity first only
    /// when the last complete listing is this old: the automatic throttle's interval, so new
    /// messages are never staler than without history to page. Other triggers always list.
    pub relist_after: Duration,
    /// A page visit's pass takes LinkedIn's sync-token answer for the listing (one request
    /// instead of one list page per folder) once a listing has shown that the answer names
    /// every conversation with new activity; it lists anyway when the last listing is this old,
    /// which checks the answer again. Other triggers always list.
    pub list_every: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            max_batch_messages: 500,
            max_batch_conversations: 50,
            max_backfill_per_run: 10,
            max_avatar_transfers_per_run: 20,
            max_attachment_transfers_per_run: 20,
            attachments: AttachmentPolicy::default(),
            max_inline_wait: Duration::seconds(60),
            max_retries: 4,
            throttle_backoff: Duration::seconds(5),
            transient_backoff: Duration::seconds(2),
            max_backoff: Duration::minutes(15),
            // linkedin-limits.md §5: quiet for a day after a checkpoint, then Careful for a
            // week; Careful for a day after being throttled.
            challenge_pause: Duration::hours(24),
            throttle_slowdown: Duration::hours(24),
            challenge_slowdown: Duration::days(7),
            pace: PacePreset::Standard,
            folders: SyncConfig::folders(false),
            relist_after: Duration::hours(2),
            list_every: Duration::hours(24),
        }
    }
}

impl SyncConfig {
    /// What a user sees in LinkedIn's messaging, recent first: focused, other (with message
    /// requests), archived. Spam is synced only when the user opts in.
    pub const FOLDERS_SEEN_IN_MESSAGING: [ConversationFolder; 3] = [
        ConversationFolder::Inbox,
        ConversationFolder::Other,
        ConversationFolder::Archived,
    ];

    /// The folders to sync: those seen in messaging, and spam when `spam` is chosen.
    pub fn folders(spam: bool) -> Vec<ConversationFolder> {
        let mut folders = Self::FOLDERS_SEEN_IN_MESSAGING.to_vec();
        if spam {
            folders.push(ConversationFolder::Spam);
        }
        folders
    }
}

/// How far the current run is, for a progress indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// When the run began.
    pub started_at: DateTime<Utc>,
    /// Conversations whose messages are all fetched.
    pub conversations: u32,
    /// Messages fetched so far.
    pub messages: u32,
    /// Attachments stored in the CRM so far: the last phase of a run moves no other count.
    #[serde(default)]
    pub attachments: u32,
}

/// Drives one sync run over a [`SyncState`]; see the module docs.
pub struct Planner {
    config: SyncConfig,
    state: SyncState,
    /// The query ids learnt from LinkedIn's pages, besides the built-ins.
    query_ids: QueryIdRegistry,
    run: Option<Run>,
}

impl Planner {
    /// A planner over the stored state, with the query ids learnt from LinkedIn's pages so far.
    pub fn new(config: SyncConfig, state: SyncState, query_ids: &QueryIdRegistry) -> Self {
        Self {
            config,
            state,
            query_ids: query_ids.clone(),
            run: None,
        }
    }

    /// The state to persist.
    pub fn state(&self) -> &SyncState {
        &self.state
    }

    /// Progress of the current run, if one is going.
    pub fn progress(&self) -> Option<Progress> {
        self.run.as_ref().map(|run| Progress {
            started_at: run.started_at,
            conversations: run.counters.conversations + run.completed.len() as u32,
            messages: run.counters.messages_fetched,
            attachments: run.counters.attachments,
        })
    }

    /// Begins a run, or resumes the unfinished pass of an earlier one. `session` is the
    /// browser's LinkedIn session, `None` without usable cookies. `/me` is asked only for a
    /// session it has not answered for: the same session is the same member.
    pub(crate) fn start(
        &mut self,
        run_id: String,
        trigger: SyncTrigger,
        session: Option<SessionFingerprint>,
        now: DateTime<Utc>,
    ) -> Step {
        let mut run = Run::new(run_id, trigger, now);
        let known = self
            .state
            .account
            .clone()
            .filter(|_| session.is_some() && self.state.session == session);
        let step = match (session, known) {
            (None, _) => self.stop(
                &mut run,
                RunOutcome::Failed,
                StopReason::LinkedInSessionExpired,
                now,
            ),
            (Some(_), Some(account)) => self.begin_pass(&mut run, account, now),
            (Some(session), None) => {
                run.session = Some(session);
                self.fetch(&mut run, VoyagerCall::Me, now)
            }
        };
        self.keep_unless_finished(run, &step);
        step
    }

    /// Takes the outcome of the last effect and says what comes next.
    pub(crate) fn handle(&mut self, outcome: Outcome, now: DateTime<Utc>) -> Step {
        let mut run = self
            .run
            .take()
            .unwrap_or_else(|| Run::new(String::new(), SyncTrigger::Manual, now));
        let step = match (outcome, run.awaiting.take()) {
            (Outcome::Fetched { result }, Some(Awaiting::Fetch { call, query_id })) => match result
            {
                Ok(answer) => {
                    run.attempts = 0;
                    if let (Some(kind), Some(id)) = (call.query_kind(), query_id) {
                        self.state.working_query_ids.insert(kind, id);
                    }
                    self.on_answer(&mut run, call, answer, now)
                }
                Err(failure) => self.on_failure(&mut run, call, query_id, failure, now),
            },
            (Outcome::Pushed { result }, Some(Awaiting::Push { batch, completed })) => {
                self.on_pushed(&mut run, batch, completed, result, now)
            }
            (Outcome::Pushed { result }, Some(Awaiting::PushProfiles { lookups })) => {
                self.on_profiles_pushed(&mut run, lookups, result, now)
            }
            (Outcome::AvatarTransferred { result }, Some(Awaiting::Avatar)) => {
                if let Err(error) = result {
                    run.note_error(format!("an avatar could not be uploaded: {error}"));
                }
                run.avatar_next += 1;
                self.advance_backfill(&mut run, now)
            }
            (Outcome::AttachmentFetched { result }, Some(Awaiting::Attachment)) => {
                self.on_attachment(&mut run, result, now)
            }
            (Outcome::SkipsReported { result }, Some(Awaiting::SkipReport)) => {
                if let Err(failure) = result {
                    run.note_error(format!(
                        "skipped attachments could not be reported: {failure}"
                    ));
                }
                self.advance_attachments(&mut run, now)
            }
            (Outcome::Waited, Some(Awaiting::Wait { then })) => self.resume(&mut run, then, now),
            (outcome, _) => {
                // Only a host that broke the one-effect-one-outcome rule gets here.
                let detail =
                    format!("the sync was handed an outcome it did not ask for: {outcome:?}");
                let detail: String = detail.chars().take(200).collect();
                self.stop(
                    &mut run,
                    RunOutcome::Failed,
                    StopReason::Failed { detail },
                    now,
                )
            }
        };
        self.keep_unless_finished(run, &step);
        step
    }

    fn keep_unless_finished(&mut self, run: Run, step: &Step) {
        if let Next::Effect(_) = step.next {
            self.run = Some(run);
        }
    }

    fn on_answer(
        &mut self,
        run: &mut Run,
        call: VoyagerCall,
        answer: VoyagerAnswer,
        now: DateTime<Utc>,
    ) -> Step {
        match (run.phase, answer) {
            (Phase::Identify, VoyagerAnswer::Me { account }) => self.begin_pass(run, account, now),
            (Phase::Pass, VoyagerAnswer::Conversations { page }) => {
                if call.query_kind() == Some(QueryKind::ConversationsBySyncToken) {
                    self.take_deletions(run, page, now);
                } else {
                    self.take_conversation_page(run, page);
                }
                self.advance(run, now)
            }
            (Phase::Pass, VoyagerAnswer::Messages { page }) => {
                self.take_message_page(run, page);
                self.advance(run, now)
            }
            (Phase::History, VoyagerAnswer::Messages { page }) => {
                self.take_history_page(run, page);
                self.advance_history(run, now)
            }
            (Phase::Backfill, VoyagerAnswer::Profile { profile }) => {
                self.take_profile(run, call, profile, now)
            }
            (Phase::Attachments, VoyagerAnswer::Messages { page }) => {
                self.take_reread_message(run, &page, now)
            }
            (_, other) => {
                let detail = format!("LinkedIn answered {call:?} with an unexpected {other:?}");
                let detail: String = detail.chars().take(200).collect();
                self.stop(run, RunOutcome::Failed, StopReason::Failed { detail }, now)
            }
        }
    }

    fn resume(&mut self, run: &mut Run, then: Resume, now: DateTime<Utc>) -> Step {
        match then {
            Resume::Refetch { call } => self.fetch(run, call, now),
            Resume::Repush { batch, completed } => self.send_push(run, batch, completed, now),
            Resume::RepushProfiles { lookups } => {
                run.awaiting = Some(Awaiting::PushProfiles {
                    lookups: lookups.clone(),
                });
                Step::effect(Effect::PushProfiles { lookups })
            }
            Resume::Transfer => self.transfer_attachment(run, now),
        }
    }

    /// The next step of the phase the run is in.
    fn carry_on(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        match run.phase {
            Phase::Backfill => self.advance_backfill(run, now),
            Phase::Attachments => self.advance_attachments(run, now),
            Phase::History => self.advance_history(run, now),
            Phase::Identify | Phase::Pass => self.advance(run, now),
        }
    }

    /// Asks LinkedIn, with the query id currently chosen for the call's variant, once the
    /// pace allows; a spent budget waits briefly or ends the run until it frees.
    fn fetch(&mut self, run: &mut Run, call: VoyagerCall, now: DateTime<Utc>) -> Step {
        let lane = Lane::of(&call);
        if let Some(step) =
            self.hold_for_pace(run, lane, || Resume::Refetch { call: call.clone() }, now)
        {
            return step;
        }
        let query_id = call
            .query_kind()
            .and_then(|kind| self.query_id_to_try(run, kind));
        run.awaiting = Some(Awaiting::Fetch {
            call: call.clone(),
            query_id: query_id.clone(),
        });
        Step::effect(Effect::Fetch(VoyagerFetch {
            call,
            query_id,
            via: run.transport,
            mailbox: self
                .state
                .account
                .as_ref()
                .map(|account| account.profile.clone()),
        }))
        .saving_pace()
    }

    /// `None` when the pace lets a LinkedIn request of `lane` go now (it is counted already);
    /// else the step that waits for it (then `resume`), or that ends what a spent budget ends.
    fn hold_for_pace(
        &mut self,
        run: &mut Run,
        lane: Lane,
        resume: impl FnOnce() -> Resume,
        now: DateTime<Utc>,
    ) -> Option<Step> {
        let policy = self
            .state
            .pace
            .preset_in_force(self.config.pace, now)
            .policy();
        match self
            .state
            .pace
            .slot(&policy, lane, run.counters.requests, &run.id, now)
        {
            Slot::Now => {}
            Slot::At(at) => return Some(Self::wait(run, at, resume())),
            // A budget that frees within one of the pace's own rests is waited out.
            Slot::Spent { until }
                if until - now <= self.config.max_inline_wait.min(policy.rest.max) =>
            {
                return Some(Self::wait(run, until, resume()));
            }
            Slot::Spent { until } => return Some(self.budget_spent(run, until, now)),
        }
        // Noted before the call goes, so that a worker stopped mid-call still counts it.
        self.state.pace.record(&policy, lane, now);
        run.counters.requests += 1;
        None
    }

    /// The most likely query id for `kind` that LinkedIn has not refused in this run.
    fn query_id_to_try(&self, run: &Run, kind: QueryKind) -> Option<QueryId> {
        let refused = run.refused_query_ids.get(&kind);
        self.query_ids
            .candidates(kind, &self.state.working_query_ids)
            .into_iter()
            .find(|id| refused.is_none_or(|refused| !refused.contains(id)))
    }

    fn wait(run: &mut Run, until: DateTime<Utc>, then: Resume) -> Step {
        run.awaiting = Some(Awaiting::Wait { then });
        Step::effect(Effect::Wait { until })
    }

    /// Ends the run early; the checkpoint in the state stays for the next run to resume.
    fn stop(
        &mut self,
        run: &mut Run,
        outcome: RunOutcome,
        reason: StopReason,
        now: DateTime<Utc>,
    ) -> Step {
        run.note_error(describe(&reason));
        if reason == StopReason::LinkedInSessionExpired {
            // Whatever the cookie, the next run asks LinkedIn who is logged in.
            self.state.session = None;
        }
        self.state.stop_reason = Some(reason);
        self.finish(run, outcome, now).saving()
    }

    fn finish(&self, run: &Run, outcome: RunOutcome, now: DateTime<Utc>) -> Step {
        Step::finished(RunReport {
            run_id: run.id.clone(),
            account: self
                .state
                .account
                .as_ref()
                .map(|account| account.profile.clone()),
            trigger: run.trigger,
            started_at: run.started_at,
            finished_at: now,
            outcome,
            conversations_processed: run.counters.conversations,
            messages_processed: run.counters.messages,
            profiles_backfilled: run.counters.profiles,
            attachments_stored: run.counters.attachments,
            requests_made: run.counters.requests,
            errors: run.errors.clone(),
        })
    }
}

/// `14:05 UTC`, a time of day in the sentences a person reads. By hand: chrono's `format`
/// would bring its whole pattern machinery into the worker's wasm for this one pattern.
fn clock_time(at: DateTime<Utc>) -> String {
    format!("{:02}:{:02} UTC", at.hour(), at.minute())
}

/// The sentence a person reads for a stop reason.
fn describe(reason: &StopReason) -> String {
    match reason {
        StopReason::LinkedInSessionExpired => {
            "your LinkedIn session has expired: open linkedin.com and log in again".to_owned()
        }
        StopReason::LinkedInThrottled { until } => {
            format!("LinkedIn is limiting requests: the sync continues after {}", clock_time(*until))
        }
        StopReason::LinkedInChallenge => {
            "LinkedIn asked for a security check: open linkedin.com and complete it".to_owned()
        }
        StopReason::BudgetSpent { until } => format!(
            "paused to stay within LinkedIn's limits: the sync continues after {}",
            clock_time(*until)
        ),
        StopReason::LinkedInApiChanged => {
            "LinkedIn changed its messaging API: open linkedin.com/messaging once so the extension learns the new version".to_owned()
        }
        StopReason::LinkedInUnavailable { detail } => format!("LinkedIn kept failing ({detail}): the sync will resume later"),
        StopReason::BackendUnreachable { detail } => format!("the Ping backend could not be reached ({detail}): the sync will resume later"),
        StopReason::PairingRejected => "this browser's pairing with Ping has expired: pair it again from the popup".to_owned(),
        StopReason::Failed { detail } => detail.clone(),
    }
}

/// The backoff before the run's next attempt, jittered by the run id.
fn backoff_delay(config: &SyncConfig, base: Duration, run: &Run) -> Duration {
    super::backoff::backoff(base, config.max_backoff, run.attempts, &run.id)
}

#[cfg(test)]
mod clock_time_tests {
    use chrono::{DateTime, Utc};

    #[test]
    fn a_time_of_day_reads_with_two_digit_hours_and_minutes_in_utc() {
        let at: DateTime<Utc> = "2026-11-30T09:05:59+01:00".parse().unwrap();
        assert_eq!(super::clock_time(at), "08:05 UTC");
    }
}
