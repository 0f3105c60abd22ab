//! Last in a run: the attachments the backend lacks, downloaded in the browser one by one.
//!
//! Each download is a request to LinkedIn with the user's session, so it takes its turn in the
//! pace and the budget like any Voyager call. LinkedIn's signed attachment URLs expire: one
//! refused as forbidden or gone is refreshed by re-reading its message (one request), never
//! retried as it was. A throttle or a checkpoint ends the downloads at once; the backend names
//! what is still missing again in a later run.

use chrono::{DateTime, Duration, Utc};

use super::Planner;
use super::run::{AttachmentUrl, Awaiting, Phase, Resume, Run};
use crate::model::MessagePage;
use crate::sync::attachments::{AttachmentSkip, Choice, SkipReason};
use crate::sync::effects::{AttachmentFetched, Effect, PushFailure, Step};
use crate::sync::pace::Lane;
use crate::sync::report::RunOutcome;
use crate::sync::state::StopReason;
use crate::voyager::{MessagesQuery, VoyagerCall, VoyagerFailure, classify_download};

impl Planner {
    /// The next attachment to download, the report of those skipped, or the end of the run.
    pub(super) fn advance_attachments(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        run.phase = Phase::Attachments;
        while let Some(request) = run.attachments.get(run.attachment_next) {
            if run.attachments_begun >= self.config.max_attachment_transfers_per_run {
                break;
            }
            match self.config.attachments.choose(request) {
                Choice::Fetch => return self.transfer_attachment(run, now),
                Choice::Skip(reason) => {
                    self.skip_attachment(run, reason);
                    run.attachment_next += 1;
                }
                Choice::Leave => run.attachment_next += 1,
            }
        }
        if !run.attachment_skips.is_empty() {
            run.awaiting = Some(Awaiting::SkipReport);
            return Step::effect(Effect::ReportSkippedAttachments {
                skipped: std::mem::take(&mut run.attachment_skips),
            });
        }
        self.finish(run, RunOutcome::Completed, now)
    }

    /// Downloads the current attachment once the pace allows, from its refreshed URL if the
    /// message was re-read.
    pub(super) fn transfer_attachment(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        if let Some(step) = self.hold_for_pace(run, Lane::Messaging, || Resume::Transfer, now) {
            return step;
        }
        let mut attachment = run.attachments[run.attachment_next].clone();
        match &run.attachment_url {
            AttachmentUrl::Refreshed(url) => attachment.url.clone_from(url),
            AttachmentUrl::Stored | AttachmentUrl::Rereading { .. } => run.attachments_begun += 1,
        }
        run.awaiting = Some(Awaiting::Attachment);
        Step::effect(Effect::TransferAttachment {
            attachment,
            max_bytes: self.config.attachments.max_bytes,
        })
        .saving_pace()
    }

    pub(super) fn on_attachment(
        &mut self,
        run: &mut Run,
        result: AttachmentFetched,
        now: DateTime<Utc>,
    ) -> Step {
        match result {
            AttachmentFetched::Stored => {
                run.counters.attachments += 1;
                self.next_attachment(run, now)
            }
            AttachmentFetched::TooLarge { byte_size } => {
                let cap = self.config.attachments.max_bytes;
                self.skip_attachment(run, SkipReason::TooLarge { byte_size, cap });
                self.next_attachment(run, now)
            }
            AttachmentFetched::NotUploaded(PushFailure::PairingRejected) => {
                self.give_up(run, StopReason::PairingRejected, now)
            }
            AttachmentFetched::NotUploaded(PushFailure::Unreachable { detail }) => {
                self.give_up(run, StopReason::BackendUnreachable { detail }, now)
            }
            AttachmentFetched::NotUploaded(failure @ PushFailure::Refused { .. }) => {
                run.note_error(format!("an attachment was not stored: {failure}"));
                self.next_attachment(run, now)
            }
            AttachmentFetched::Refused(response) => match classify_download(&response) {
                Err(VoyagerFailure::SessionExpired) => {
                    self.give_up(run, StopReason::LinkedInSessionExpired, now)
                }
                Err(VoyagerFailure::Throttled {
                    challenge: true, ..
                }) => self.challenged(run, now),
                Err(VoyagerFailure::Throttled {
                    retry_after_secs, ..
                }) => {
                    let wait = retry_after_secs
                        .and_then(|seconds| i64::try_from(seconds).ok())
                        .map_or(self.config.throttle_backoff, Duration::seconds);
                    self.state
                        .pace
                        .slow_down(now + self.config.throttle_slowdown);
                    let until = now + wait;
                    self.state.retry_after = Some(until);
                    self.give_up(run, StopReason::LinkedInThrottled { until }, now)
                }
                Err(VoyagerFailure::Transient { detail }) => {
                    run.note_error(format!("an attachment could not be downloaded: {detail}"));
                    self.next_attachment(run, now)
                }
                // Forbidden or gone: a signed URL that expired, first; then the file itself.
                _ if matches!(response.status, 403 | 410)
                    && run.attachment_url == AttachmentUrl::Stored =>
                {
                    run.attachment_url = AttachmentUrl::Rereading {
                        status: response.status,
                    };
                    self.reread_message(run, now)
                }
                _ => {
                    let status = response.status;
                    self.skip_attachment(run, SkipReason::Unavailable { status });
                    self.next_attachment(run, now)
                }
            },
        }
    }

    /// Reads the page of the conversation that ends with the attachment's message: LinkedIn
    /// signs its attachment URLs afresh on every read.
    fn reread_message(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        let request = &run.attachments[run.attachment_next];
        let call = VoyagerCall::Messages {
            conversation: request.conversation.clone(),
            query: MessagesQuery::Before(request.sent_at + Duration::milliseconds(1)),
        };
        self.fetch(run, call, now)
    }

    pub(super) fn take_reread_message(
        &mut self,
        run: &mut Run,
        page: &MessagePage,
        now: DateTime<Utc>,
    ) -> Step {
        let request = &run.attachments[run.attachment_next];
        let fresh = page
            .messages
            .iter()
            .find(|message| message.urn == request.message)
            .and_then(|message| message.attachments.get(request.index as usize))
            .and_then(|attachment| attachment.url.clone());
        match (fresh, &run.attachment_url) {
            (Some(url), _) => {
                run.attachment_url = AttachmentUrl::Refreshed(url);
                self.transfer_attachment(run, now)
            }
            // The message or its attachment is gone from LinkedIn.
            (None, AttachmentUrl::Rereading { status }) => {
                let status = *status;
                self.skip_attachment(run, SkipReason::Unavailable { status });
                self.next_attachment(run, now)
            }
            (None, _) => self.next_attachment(run, now),
        }
    }

    fn next_attachment(&mut self, run: &mut Run, now: DateTime<Utc>) -> Step {
        run.attachment_next += 1;
        run.attachment_url = AttachmentUrl::Stored;
        self.advance_attachments(run, now)
    }

    fn skip_attachment(&self, run: &mut Run, reason: SkipReason) {
        let request = &run.attachments[run.attachment_next];
        run.attachment_skips.push(AttachmentSkip {
            message: request.message.clone(),
            index: request.index,
            reason,
        });
    }
}
