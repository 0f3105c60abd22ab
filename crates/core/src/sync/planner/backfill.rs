//! After the pass: profiles the backend asked for, then avatars it could not download.

use chrono::{DateTime, Utc};

use super::Planner;
use super::run::{Awaiting, Resume, Run};
use crate::model::Profile;
use crate::sync::effects::{Effect, PushAck, PushFailure, Step};
use crate::sync::report::RunOutcome;
use crate::voyager::{MemberIdentity, VoyagerCall};

impl Planner {
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
        if !run.profiles.is_empty() {
            let profiles = std::mem::take(&mut run.profiles);
            run.awaiting = Some(Awaiting::PushProfiles {
                profiles: profiles.clone(),
            });
            return Step::effect(Effect::PushProfiles { profiles });
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
        self.finish(run, RunOutcome::Completed, now)
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
        run.profiles.push(profile);
        run.backfill_next += 1;
        // The pacer spaces profile lookups (their own gap and budget).
        self.advance_backfill(run, now)
    }

    pub(super) fn on_profiles_pushed(
        &mut self,
        run: &mut Run,
        profiles: Vec<Profile>,
        result: Result<PushAck, PushFailure>,
        now: DateTime<Utc>,
    ) -> Step {
        match result {
            Ok(ack) => {
                run.attempts = 0;
                run.counters.profiles += profiles.len() as u32;
                run.request_backfill(Vec::new(), ack.avatar_requests);
                self.advance_backfill(run, now)
            }
            Err(failure) => {
                self.on_push_failure(run, failure, Resume::RepushProfiles { profiles }, now)
            }
        }
    }
}
