//! What a push answer asks the extension to fetch back from LinkedIn: profiles of contacts
//! missing a title, company or picture, and pictures only a logged-in browser can download.

use chrono::{DateTime, Duration, Utc};
use ping_protocol::{AvatarRequest, BackfillRequest};

use crate::avatars::AvatarPolicy;
use crate::ids::UserId;
use crate::store::{IngestStore, StoreResult};

/// How much one answer asks for, and how soon the same contact is asked again.
///
/// Every profile looked up costs the extension a LinkedIn profile read, and profile reads are
/// what LinkedIn counts against an account (peers keep to about 80–100 a day; one shipped
/// extension asks for at most 10 per push: `reference/linkedin-limits.md`). So an answer names
/// a few, the extension looks up what its run's share and profile budget allow and reports
/// them, and only a reported lookup holds a contact back: one named but not fetched is named
/// again at the next answer. A profile that stays incomplete after its lookup (LinkedIn shows
/// no title) is looked up again a week later, not at every sync. An avatar upload is asked
/// again sooner: it is one image request, and the signed picture URL expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackfillPolicy {
    /// Contacts asked for in one answer, for profiles and for avatars each.
    pub per_answer: u32,
    /// A contact whose profile was looked up is not asked for again within this.
    pub profile_again_after: Duration,
    /// An avatar asked to be uploaded is not asked again within this.
    pub avatar_again_after: Duration,
}

/// The policy every push answer follows.
pub const BACKFILL: BackfillPolicy = BackfillPolicy {
    per_answer: 10,
    profile_again_after: Duration::days(7),
    avatar_again_after: Duration::hours(1),
};

impl BackfillPolicy {
    /// The profiles to fetch.
    pub async fn profiles_to_fetch(
        &self,
        store: &dyn IngestStore,
        user: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<BackfillRequest>> {
        store
            .backfill_requests(user, self.per_answer, now - self.profile_again_after)
            .await
    }

    /// The avatars to fetch in the browser and upload, marked asked at `now`. Every URL is
    /// checked against the avatar policy first, expired ones included: the browser is never
    /// handed an address off LinkedIn's media hosts (`http://127.0.0.1/…`, a cloud metadata
    /// address) to fetch.
    pub async fn avatars_to_fetch(
        &self,
        store: &dyn IngestStore,
        policy: &AvatarPolicy,
        user: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AvatarRequest>> {
        let fetchable = |url: &str| policy.check_url(url).is_ok();
        let asked_before = now - self.avatar_again_after;
        store
            .take_avatar_requests(user, self.per_answer, asked_before, now, &fetchable)
            .await
    }
}
