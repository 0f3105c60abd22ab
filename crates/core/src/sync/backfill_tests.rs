//! Profile backfill across syncs: what the backend names is what the extension looks up, within
//! the run's share and the profile budget, quiet syncs included, and no member twice.

use chrono::Duration;

use super::sim::{SimBackend, SimLinkedIn, first_sync_now, member, run_paced, run_sync};
use super::*;
use crate::voyager::VoyagerCall;

fn profile_lookups(linkedin: &SimLinkedIn) -> usize {
    linkedin
        .calls
        .iter()
        .filter(|call| matches!(call, VoyagerCall::Profile { .. }))
        .count()
}

/// A mailbox of `contacts` conversations, one correspondent each, none with a title yet.
fn lacking_everyone(contacts: usize) -> (SimLinkedIn, SimBackend) {
    let linkedin = SimLinkedIn::new(&vec![2; contacts]);
    let backend = SimBackend {
        lacking: (0..contacts).map(member).collect(),
        ..SimBackend::default()
    };
    (linkedin, backend)
}

#[test]
fn contacts_the_backend_names_are_fetched_and_pushed_as_profiles() {
    let (mut linkedin, mut backend) = lacking_everyone(2);
    let report = first_sync_now(&mut linkedin, &mut backend);
    assert_eq!(report.profiles_backfilled, 2);
    assert_eq!(backend.profiles, 2);
    assert!(backend.lacking.is_empty());
}

#[test]
fn every_contact_is_filled_over_later_syncs_quiet_ones_included_and_none_looked_up_twice() {
    // 57 contacts: a first sync pushes several batches, each answer naming ten.
    let (mut linkedin, mut backend) = lacking_everyone(57);
    let mut state = SyncState::default();
    let mut syncs = 0;
    while !backend.lacking.is_empty() && syncs < 10 {
        // Nothing new on LinkedIn after the first: every later sync is a quiet one.
        let (saved, report) = run_sync(
            &mut linkedin,
            &mut backend,
            state,
            SyncTrigger::PageVisit,
            None,
        );
        assert_eq!(report.expect("finished").outcome, RunOutcome::Completed);
        state = saved;
        syncs += 1;
        linkedin.clock += Duration::hours(2);
    }
    assert!(backend.lacking.is_empty(), "{} left", backend.lacking.len());
    // Ten a run, the run's share: six syncs.
    assert_eq!(
        syncs,
        57usize.div_ceil(SyncConfig::default().max_backfill_per_run)
    );
    assert!(backend.looked_up.values().all(|&times| times == 1));
    assert_eq!(profile_lookups(&linkedin), 57);
}

#[test]
fn a_member_linkedin_has_no_profile_for_is_reported_and_the_others_are_still_fetched() {
    let (mut linkedin, mut backend) = lacking_everyone(4);
    linkedin.hidden_profiles.insert(member(0));
    let report = first_sync_now(&mut linkedin, &mut backend);
    assert_eq!(report.profiles_backfilled, 3);
    assert_eq!(backend.lacking, [member(0)].into_iter().collect());
    // Reported as looked up: the backend does not name it again soon.
    assert_eq!(backend.looked_up.get(&member(0)), Some(&1));
}

#[test]
fn profile_lookups_stay_within_the_daily_budget_and_wait_for_it_to_free() {
    let (mut linkedin, mut backend) = lacking_everyone(120);
    let daily = PacePreset::Standard
        .policy()
        .profile_budgets
        .iter()
        .find(|budget| budget.window == Duration::days(1))
        .expect("a daily profile budget")
        .calls as usize;
    let mut state = SyncState::default();
    for _ in 0..12 {
        let (saved, _) = run_paced(
            &mut linkedin,
            &mut backend,
            state,
            SyncTrigger::Manual,
            None,
            PacePreset::Standard,
        );
        state = saved;
        linkedin.clock += Duration::hours(2);
    }
    // Twelve syncs two hours apart: one day, whose budget the lookups fill and keep to.
    assert_eq!(profile_lookups(&linkedin), daily);
    assert!(backend.looked_up.values().all(|&times| times == 1));
}
