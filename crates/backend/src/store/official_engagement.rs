//! Engagement on the organisation's posts (comments, reactions), the poll's state per user, and
//! what the official API's background job remembers of a connection.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreResult;
use crate::ids::{ContactId, UserId};

/// What kind of engagement LinkedIn reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EngagementKind {
    Comment,
    Reaction,
}

impl EngagementKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Comment => "comment",
            Self::Reaction => "reaction",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Comment, Self::Reaction]
            .into_iter()
            .find(|kind| kind.name() == name)
    }
}

/// A comment or reaction as polled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEngagement {
    /// LinkedIn's comment or reaction id: the key that makes a second poll a no-op (but for a
    /// changed `content`, which replaces the stored one).
    pub engagement_id: String,
    pub kind: EngagementKind,
    pub post_urn: String,
    /// `urn:li:person:…`, matched against the members of Profile Associations.
    pub actor: String,
    /// The comment's text, or the reaction type.
    pub content: String,
    pub occurred_at: DateTime<Utc>,
}

/// A stored engagement, with the contact it was matched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngagementRecord {
    pub engagement_id: String,
    pub kind: EngagementKind,
    pub post_urn: String,
    pub actor: String,
    pub contact: Option<ContactId>,
    pub contact_name: Option<String>,
    pub content: String,
    pub occurred_at: DateTime<Utc>,
}

/// What the last engagement poll found, one state per answer the user must know of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EngagementState {
    /// Every stored post was read.
    Ok,
    /// The connection lacks `r_organization_social`: nothing was asked.
    MissingScope,
    /// LinkedIn answered 403: the app lacks the Community Management product or the member
    /// the Page role.
    MissingProduct,
    /// LinkedIn answered 429: polled again after a backoff.
    Throttled,
    /// Another failure (token refused, LinkedIn down…), in the message.
    Failed,
}

impl EngagementState {
    pub const ALL: [Self; 5] = [
        Self::Ok,
        Self::MissingScope,
        Self::MissingProduct,
        Self::Throttled,
        Self::Failed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::MissingScope => "missing_scope",
            Self::MissingProduct => "missing_product",
            Self::Throttled => "throttled",
            Self::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.name() == name)
    }
}

/// The engagement poll's last outcome for a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngagementSync {
    pub state: EngagementState,
    pub message: Option<String>,
    /// Consecutive throttled polls, for the backoff.
    pub throttled: u32,
    pub polled_at: DateTime<Utc>,
    /// Not polled before then (after a 429).
    pub poll_after: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait EngagementStore: Send + Sync + 'static {
    /// Stores an engagement once per LinkedIn id, attached to the user's contact whose Profile
    /// Association names the actor; false if it was stored already. A stored one whose content
    /// changed (a reaction of another type under the same id, an edited comment) takes the new
    /// content, and is still not new.
    async fn record_engagement(
        &self,
        user: UserId,
        engagement: &NewEngagement,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// A contact's engagement, newest first.
    async fn contact_engagements(
        &self,
        user: UserId,
        contact: ContactId,
    ) -> StoreResult<Vec<EngagementRecord>>;
    /// A post's engagement, matched or not, newest first.
    async fn post_engagements(
        &self,
        user: UserId,
        post_urn: &str,
    ) -> StoreResult<Vec<EngagementRecord>>;

    /// Claims the user's next engagement poll at `now`: false while a 429's backoff runs, or
    /// when a poll (of any backend process) started after `polled_since`.
    async fn claim_engagement_poll(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        polled_since: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn save_engagement_sync(&self, user: UserId, sync: &EngagementSync) -> StoreResult<()>;
    async fn get_engagement_sync(&self, user: UserId) -> StoreResult<Option<EngagementSync>>;

    /// Every user with a connected LinkedIn app, and their login email, for the background job.
    async fn connected_users(&self) -> StoreResult<Vec<(UserId, String)>>;
    /// Claims the email reminder for the access token ending at `expires_at`: true once per
    /// end, so several processes never send it twice.
    async fn claim_reminder(&self, user: UserId, expires_at: DateTime<Utc>) -> StoreResult<bool>;
    /// Gives a claim back after the email could not be sent, so a later round tries again.
    async fn release_reminder(&self, user: UserId) -> StoreResult<()>;
}
