//! What the planner does when LinkedIn says no.

use chrono::{DateTime, Duration, Utc};

use super::Planner;
use super::run::{Phase, Resume, Run};
use crate::ids::QueryId;
use crate::sorted::SortedSet;
use crate::sync::effects::{Step, Transport};
use crate::sync::report::RunOutcome;
use crate::sync::state::StopReason;
use crate::voyager::{QueryKind, VoyagerCall, VoyagerFailure};

impl Planner {
    pub(super) fn on_failure(
        &mut self,
        run: &mut Run,
        call: VoyagerCall,
        query_id: Option<QueryId>,
        failure: VoyagerFailure,
        now: DateTime<Utc>,
    ) -> Step {
        match failure {
            VoyagerFailure::SessionExpired => self.stop(
                run,
                RunOutcome::Failed,
                StopReason::LinkedInSessionExpired,
                now,
            ),
            VoyagerFailure::CsrfFailed => {
                // Once more with the cookies re-read (the glue reads them for every request),
                // then through an open LinkedIn tab, whose requests are same-origin.
                run.csrf_failures += 1;
                match run.csrf_failures {
                    1 => self.fetch(run, call, now),
                    2 => {
                        run.transport = Transport::Tab;
                        self.fetch(run, call, now)
                    }
                    _ => {
                        let detail = "LinkedIn refused the request's CSRF token, even through an open LinkedIn tab: reload linkedin.com and try again".to_owned();
                        self.give_up(run, StopReason::Failed { detail }, now)
                    }
                }
            }
            VoyagerFailure::Throttled {
                challenge: true, ..
            } => self.challenged(run, now),
            VoyagerFailure::Throttled {
                retry_after_secs,
                challenge: false,
            } => {
                self.state
                    .pace
                    .slow_down(now + self.config.throttle_slowdown);
                run.attempts += 1;
                let delay = match retry_after_secs {
                    Some(seconds) => Duration::seconds(
                        i64::try_from(seconds)
                            .unwrap_or(i64::MAX / 1000)
                            .min(86_400),
                    ),
                    None => super::backoff_delay(&self.config, self.config.throttle_backoff, run),
                };
                if run.attempts <= self.config.max_retries && delay <= self.config.max_inline_wait {
                    return Self::wait(run, now + delay, Resume::Refetch { call });
                }
                let until = now + delay;
                self.state.retry_after = Some(until);
                self.give_up(run, StopReason::LinkedInThrottled { until }, now)
            }
            VoyagerFailure::QueryRotated { detail } => {
                let Some(kind) = call.query_kind() else {
                    return self.give_up(
                        run,
                        StopReason::Failed {
                            detail: format!("LinkedIn refused {}: {detail}", describe_call(&call)),
                        },
                        now,
                    );
                };
                if let Some(refused) = query_id.clone() {
                    // A working id LinkedIn now refuses is no longer tried first.
                    if self.state.working_query_ids.get(&kind) == Some(&refused) {
                        self.state.working_query_ids.remove(&kind);
                    }
                    run.refused_query_ids
                        .get_or_insert_with(kind, SortedSet::new)
                        .insert(refused);
                }
                if self.query_id_to_try(run, kind).is_some() {
                    return self.fetch(run, call, now);
                }
                let tried = query_id.map(|id| id.to_string()).unwrap_or_default();
                let error = format!(
                    "every known {} query id was refused (last {tried}): {detail}",
                    kind.query_name()
                );
                if kind == QueryKind::ConversationsBySyncToken {
                    return self.skip_deletions(run, error, now);
                }
                run.note_error(error);
                self.give_up(run, StopReason::LinkedInApiChanged, now)
            }
            VoyagerFailure::Transient { detail } => {
                run.attempts += 1;
                if run.attempts <= self.config.max_retries {
                    let delay =
                        super::backoff_delay(&self.config, self.config.transient_backoff, run);
                    return Self::wait(run, now + delay, Resume::Refetch { call });
                }
                self.give_up(run, StopReason::LinkedInUnavailable { detail }, now)
            }
            VoyagerFailure::Fatal { status, detail }
                if call.query_kind() == Some(QueryKind::ConversationsBySyncToken) =>
            {
                // Likely a token LinkedIn no longer accepts (its lifetime is unknown).
                self.skip_deletions(run, format!("LinkedIn answered {status}: {detail}"), now)
            }
            // A member without a profile LinkedIn shows: nothing to retry, the next one is.
            VoyagerFailure::Fatal {
                status: 403 | 404 | 410,
                ..
            } if run.phase == Phase::Backfill => self.profile_unavailable(run, now),
            VoyagerFailure::Fatal { status, detail } => {
                let detail = format!(
                    "LinkedIn answered {status} to {}: {detail}",
                    describe_call(&call)
                );
                self.give_up(run, StopReason::Failed { detail }, now)
            }
        }
    }

    /// LinkedIn showed a security checkpoint. Never retry into one: stop, stay away, then go
    /// carefully.
    pub(super) fn challenged(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        self.state.retry_after = Some(now + self.config.challenge_pause);
        self.state
            .pace
            .slow_down(now + self.config.challenge_slowdown);
        self.stop(
            run,
            RunOutcome::Interrupted,
            StopReason::LinkedInChallenge,
            now,
        )
    }

    /// A call budget is spent for longer than a run waits. Profiles wait for a later run; a
    /// sync stops with its checkpoint and continues once the budget frees.
    pub(super) fn budget_spent(
        &mut self,
        run: &mut Run,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Step {
        if run.phase == Phase::Backfill {
            run.note_error(format!(
                "profile lookups wait for a later sync to stay within LinkedIn's limits (after {})",
                super::clock_time(until)
            ));
            run.backfill_next = run.backfill.len();
            return self.advance_backfill(run, now);
        }
        if run.phase == Phase::Attachments {
            run.note_error(format!(
                "attachment downloads wait for a later sync to stay within LinkedIn's limits (after {})",
                super::clock_time(until)
            ));
            run.attachment_next = run.attachments.len();
            return self.advance_attachments(run, now);
        }
        // What was fetched is kept: pushing it costs LinkedIn nothing.
        if !run.pending.is_empty() || !run.completed.is_empty() {
            return self.push(run, now);
        }
        self.state.retry_after = self.state.retry_after.max(Some(until));
        self.stop(
            run,
            RunOutcome::Interrupted,
            StopReason::BudgetSpent { until },
            now,
        )
    }

    /// Stops what cannot go on. During backfill and attachment downloads the pass is already
    /// complete, so the run still completes: the failure ends only those (no further LinkedIn
    /// request is made in this run) and is reported.
    pub(super) fn give_up(
        &mut self,
        run: &mut Run,
        reason: StopReason,
        now: DateTime<Utc>,
    ) -> Step {
        match run.phase {
            Phase::Backfill => {
                run.note_error(format!(
                    "profile backfill stopped: {}",
                    super::describe(&reason)
                ));
                run.backfill_next = run.backfill.len();
                run.attachment_next = run.attachments.len();
                self.advance_backfill(run, now)
            }
            Phase::Attachments => {
                run.note_error(format!(
                    "attachment downloads stopped: {}",
                    super::describe(&reason)
                ));
                run.attachment_next = run.attachments.len();
                self.advance_attachments(run, now)
            }
            Phase::Identify | Phase::Pass | Phase::History => {
                let outcome = match reason {
                    StopReason::LinkedInThrottled { .. }
                    | StopReason::LinkedInChallenge
                    | StopReason::LinkedInUnavailable { .. }
                    | StopReason::BackendUnreachable { .. } => RunOutcome::Interrupted,
                    _ => RunOutcome::Failed,
                };
                self.stop(run, outcome, reason, now)
            }
        }
    }
}

fn describe_call(call: &VoyagerCall) -> &'static str {
    match call {
        VoyagerCall::Me => "the account lookup",
        VoyagerCall::Conversations { .. } => "the conversation list",
        VoyagerCall::Messages { .. } => "a conversation's messages",
        VoyagerCall::Profile { .. } => "a profile lookup",
    }
}
