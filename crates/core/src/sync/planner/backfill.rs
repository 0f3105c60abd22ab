//! After the pass: profiles the backend asked for, then avatars it could not download.
//!
//! Asking and fetching are one contract: the backend names contacts it lacks a title, company
//! or picture for, and holds back only those the extension reports as looked up (found or
//! unavailable). A contact named but not fetched in this run, because the run's share or the
//! profile budget ran out, is simply named again in a later answer.

use chrono::{DateTime, Utc};

use super::Planner;
use super::run::{Awaiting, Phase, Resume, Run};
use crate::model::Profile;
use crate::sync::effects::{Effect, ProfileLookups, PushAck, PushFailure, PushPlan, Step};
use crate::voyager::{MemberIdentity, VoyagerCall};

impl Planner {
    /// The pass and history are done. A run that pushed nothing has not heard which contacts
    /// the backend lacks, so it asks with an empty batch: a quiet sync backfills too.
    pub(super) fn begin_backfill(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        run.phase = Phase::Backfill;
        if !run.backend_answered {
            return self.send_push(run, PushPlan::default(), Vec::new(), now);
        }
        self.advance_backfill(run, now)
    }

    /// The next backfill step: a paced profile fetch, the profiles push, an avatar, or the end.
    pub(super) fn advance_backfill(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        let wanted = run.backfill.len().min(self.config.max_backfill_per_run);
        if let Some(member) = run
            .backfill
            .get(run.backfill_next)
            .filter(|_| run.backfill_next < wanted)
        {
            let call = VoyagerCall::Profile {
                member: MemberIdentity::Id(member.id().clone()),
            };
            return self.fetch(run, call, now);
        }
        if !run.lookups.is_empty() {
            let lookups = std::mem::take(&mut run.lookups);
            run.awaiting = Some(Awaiting::PushProfiles {
                lookups: lookups.clone(),
            });
            return Step::effect(Effect::PushProfiles { lookups });
        }
        let wanted = run
            .avatars
            .len()
            .min(self.config.max_avatar_transfers_per_run);
        if let Some(avatar) = run
            .avatars
            .get(run.avatar_next)
            .filter(|_| run.avatar_next < wanted)
        {
            run.awaiting = Some(Awaiting::Avatar);
            return Step::effect(Effect::TransferAvatar {
                member: avatar.member.clone(),
                url: avatar.url.clone(),
            });
        }
        self.advance_attachments(run, now)
    }

    pub(super) fn take_profile(
        &mut self,
        run: &mut Run,
        call: VoyagerCall,
        mut profile: Profile,
        now: DateTime<Utc>,
    ) -> Step {
        // The lookup was by member id: the answer is that member, whatever URN form it carried.
        if let (Some(member), VoyagerCall::Profile { .. }) =
            (run.backfill.get(run.backfill_next), &call)
        {
            profile.urn = Some(member.clone());
        }
        run.lookups.profiles.push(profile);
        run.backfill_next += 1;
        // The pacer spaces profile lookups (their own gap and budget).
        self.advance_backfill(run, now)
    }

    /// LinkedIn has no profile for the member being looked up (hidden, deleted, out of
    /// network): say so to the backend, and go on with the next member.
    pub(super) fn profile_unavailable(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        if let Some(member) = run.backfill.get(run.backfill_next) {
            run.lookups.unavailable.push(member.clone());
        }
        run.backfill_next += 1;
        self.advance_backfill(run, now)
    }

    pub(super) fn on_profiles_pushed(
        &mut self,
        run: &mut Run,
        lookups: ProfileLookups,
        result: Result<PushAck, PushFailure>,
        now: DateTime<Utc>,
    ) -> Step {
        match result {
            Ok(ack) => {
                run.attempts = 0;
                run.counters.profiles += lookups.profiles.len() as u32;
                run.request_backfill(Vec::new(), ack.avatar_requests);
                self.advance_backfill(run, now)
            }
            Err(failure) => {
                self.on_push_failure(run, failure, Resume::RepushProfiles { lookups }, now)
            }
        }
    }
}
