//! Attachments the backend lacks: downloaded after the pass within the pace, skipped with a
//! reason when too large or gone, refreshed by re-reading their message when the URL expired,
//! and never fetched into a throttle or a checkpoint.

use chrono::Duration;

use super::attachments::{AttachmentDownloads, AttachmentPolicy, SkipReason};
use super::sim::{SimBackend, SimLinkedIn, first_sync_now, run_sync};
use super::*;
use crate::model::AttachmentKind;
use crate::voyager::{MessagesQuery, VoyagerCall};

const KB: u64 = 1024;

/// Three conversations; the newest messages carry a file, a picture and a voice message.
fn mailbox_with_attachments() -> (SimLinkedIn, Vec<String>) {
    let mut linkedin = SimLinkedIn::new(&[3, 3, 3]);
    let urls = vec![
        linkedin.attach(0, 2, AttachmentKind::File, 480 * KB, true),
        linkedin.attach(1, 2, AttachmentKind::Image, 90 * KB, false),
        linkedin.attach(2, 2, AttachmentKind::Audio, 40 * KB, false),
    ];
    (linkedin, urls)
}

/// Sync Now from `state`, run to its end: the state it leaves and its report.
fn sync_now(
    linkedin: &mut SimLinkedIn,
    backend: &mut SimBackend,
    state: SyncState,
) -> (SyncState, RunReport) {
    let (state, report) = run_sync(linkedin, backend, state, SyncTrigger::Manual, None);
    (state, report.expect("not stopped"))
}

fn rereads(linkedin: &SimLinkedIn) -> usize {
    linkedin
        .calls
        .iter()
        .filter(|call| {
            matches!(
                call,
                VoyagerCall::Messages {
                    query: MessagesQuery::Before(_),
                    ..
                }
            )
        })
        .count()
}

#[test]
fn attachments_the_backend_lacks_are_downloaded_after_the_pass_and_counted_as_linkedin_requests() {
    let (mut linkedin, _) = mailbox_with_attachments();
    let mut backend = SimBackend::default();
    let report = first_sync_now(&mut linkedin, &mut backend);
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(report.attachments_stored, 3);
    assert_eq!(backend.uploads.len(), 3);
    assert!(backend.uploads.values().all(|&uploads| uploads == 1));
    // The popup counts them while they go: the last phase moves no other figure.
    let shown: Vec<u32> = backend
        .progress_shown
        .iter()
        .map(|progress| progress.attachments)
        .collect();
    assert!(shown.windows(2).all(|pair| pair[0] <= pair[1]), "{shown:?}");
    // The run's end replaces the progress with its report, which counts the last one.
    assert!(shown.contains(&1) && shown.contains(&2), "{shown:?}");
    assert_eq!(linkedin.downloads.len(), 3);
    assert_eq!(
        report.requests_made as usize,
        linkedin.calls.len() + linkedin.downloads.len()
    );
    // Paced like any call: none goes at the instant of the call before it.
    let mut times: Vec<_> = linkedin.call_times.clone();
    times.extend(linkedin.downloads.iter().map(|(_, at)| *at));
    times.sort();
    assert!(times.windows(2).all(|pair| pair[0] < pair[1]), "{times:?}");
}

#[test]
fn a_file_declared_over_the_cap_is_reported_with_the_reason_and_never_requested() {
    let mut linkedin = SimLinkedIn::new(&[2, 2]);
    let big = linkedin.attach(0, 1, AttachmentKind::File, 30 * 1024 * KB, true);
    linkedin.attach(1, 1, AttachmentKind::File, 2 * KB, true);
    let mut backend = SimBackend::default();
    first_sync_now(&mut linkedin, &mut backend);
    assert!(
        linkedin
            .downloads
            .iter()
            .all(|(url, _)| !url.starts_with(&big))
    );
    assert_eq!(backend.uploads.len(), 1);
    assert_eq!(
        backend.skipped.values().collect::<Vec<_>>(),
        [&SkipReason::TooLarge {
            byte_size: 30 * 1024 * KB,
            cap: AttachmentPolicy::DEFAULT_MAX_BYTES
        }]
    );
}

#[test]
fn a_picture_over_the_cap_without_a_declared_size_is_skipped_when_its_bytes_pass_the_cap() {
    let mut linkedin = SimLinkedIn::new(&[2]);
    linkedin.attach(0, 1, AttachmentKind::Image, 3 * 1024 * KB, false);
    linkedin.attachment_policy.max_bytes = 1024 * KB;
    let mut backend = SimBackend::default();
    first_sync_now(&mut linkedin, &mut backend);
    assert!(backend.uploads.is_empty());
    assert_eq!(
        backend.skipped.values().collect::<Vec<_>>(),
        [&SkipReason::TooLarge {
            byte_size: 3 * 1024 * KB,
            cap: 1024 * KB
        }]
    );
}

#[test]
fn an_expired_url_is_refreshed_by_rereading_its_message_once_not_retried_as_it_was() {
    // Synced while downloads were off: the backend holds URLs that have expired since.
    let (mut linkedin, urls) = mailbox_with_attachments();
    linkedin.attachment_policy.downloads = AttachmentDownloads::Off;
    let mut backend = SimBackend::default();
    let (state, _) = sync_now(&mut linkedin, &mut backend, SyncState::default());
    assert!(linkedin.downloads.is_empty());
    linkedin.expire_attachment_urls();
    linkedin.clock += Duration::hours(3);
    linkedin.attachment_policy.downloads = AttachmentDownloads::All;
    let rereads_before = rereads(&linkedin);

    let (_, report) = sync_now(&mut linkedin, &mut backend, state);
    assert_eq!(report.attachments_stored, 3);
    assert_eq!(backend.uploads.len(), 3);
    assert!(backend.skipped.is_empty());
    // Each stale URL was tried once, its message re-read once, the fresh URL fetched once.
    assert_eq!(rereads(&linkedin) - rereads_before, 3);
    for url in urls {
        let tries: Vec<_> = linkedin
            .downloads
            .iter()
            .filter(|(signed, _)| signed.starts_with(&url))
            .map(|(signed, _)| signed.as_str())
            .collect();
        assert_eq!(tries, [format!("{url}?g=0"), format!("{url}?g=1")]);
    }
}

#[test]
fn an_attachment_linkedin_no_longer_serves_is_reported_unavailable_and_not_asked_again() {
    let (mut linkedin, urls) = mailbox_with_attachments();
    linkedin.gone_attachments.insert(urls[1].clone());
    let mut backend = SimBackend::default();
    let (state, _) = sync_now(&mut linkedin, &mut backend, SyncState::default());
    assert_eq!(backend.uploads.len(), 2);
    assert_eq!(
        backend.skipped.values().collect::<Vec<_>>(),
        [&SkipReason::Unavailable { status: 404 }]
    );
    let downloads = linkedin.downloads.len();
    linkedin.clock += Duration::hours(3);
    sync_now(&mut linkedin, &mut backend, state);
    assert_eq!(linkedin.downloads.len(), downloads);
}

#[test]
fn images_only_leaves_the_other_files_unreported_for_when_the_options_change() {
    let (mut linkedin, _) = mailbox_with_attachments();
    linkedin.attachment_policy.downloads = AttachmentDownloads::ImagesOnly;
    let mut backend = SimBackend::default();
    let (state, report) = sync_now(&mut linkedin, &mut backend, SyncState::default());
    assert_eq!(report.attachments_stored, 1);
    assert!(backend.skipped.is_empty());

    linkedin.attachment_policy.downloads = AttachmentDownloads::All;
    linkedin.clock += Duration::hours(3);
    let (_, report) = sync_now(&mut linkedin, &mut backend, state);
    assert_eq!(report.attachments_stored, 2);
    assert_eq!(backend.uploads.len(), 3);
}

#[test]
fn a_throttle_while_downloading_ends_the_downloads_but_not_the_synced_messages() {
    let (mut linkedin, _) = mailbox_with_attachments();
    linkedin.download_faults.push_back((429, String::new()));
    let mut backend = SimBackend::default();
    let (state, report) = sync_now(&mut linkedin, &mut backend, SyncState::default());
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(report.messages_processed, 9);
    assert_eq!(linkedin.downloads.len(), 1, "no download after the 429");
    assert!(state.retry_after().is_some());
    assert!(
        report
            .errors
            .iter()
            .any(|error| error.starts_with("attachment downloads stopped")),
        "{:?}",
        report.errors
    );
}

#[test]
fn a_checkpoint_while_downloading_stops_the_run_and_automatic_syncs() {
    let (mut linkedin, _) = mailbox_with_attachments();
    linkedin
        .download_faults
        .push_back((999, "<a href=\"/checkpoint/challenge/\">verify</a>".into()));
    let mut backend = SimBackend::default();
    let (state, report) = sync_now(&mut linkedin, &mut backend, SyncState::default());
    assert_eq!(report.outcome, RunOutcome::Interrupted);
    assert_eq!(state.stop_reason(), Some(&StopReason::LinkedInChallenge));
    assert_eq!(linkedin.downloads.len(), 1);
    assert!(backend.uploads.is_empty());
}

#[test]
fn attachments_of_messages_synced_earlier_come_over_later_runs_within_each_runs_share() {
    let mut linkedin = SimLinkedIn::new(&[30]);
    for n in 0..30 {
        linkedin.attach(0, n, AttachmentKind::Image, 10 * KB, false);
    }
    let mut backend = SimBackend::default();
    let (state, report) = sync_now(&mut linkedin, &mut backend, SyncState::default());
    let per_run = SyncConfig::default().max_attachment_transfers_per_run;
    assert_eq!(report.attachments_stored as usize, per_run);
    // A quiet sync later: the backend names the rest.
    linkedin.clock += Duration::hours(3);
    let (_, report) = sync_now(&mut linkedin, &mut backend, state);
    assert_eq!(report.attachments_stored as usize, 30 - per_run);
    assert_eq!(backend.uploads.len(), 30);
    assert_eq!(linkedin.downloads.len(), 30);
}
