//! Organisation posts sent through the official API, kept with their state.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreResult;
use crate::ids::UserId;

/// A post as sent, and what LinkedIn answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostRecord {
    pub organization: String,
    pub commentary: String,
    pub visibility: String,
    pub image_urn: Option<String>,
    /// `published`, `throttled` or `failed`.
    pub state: String,
    pub post_urn: Option<String>,
    pub message: Option<String>,
    pub retry_after: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait PostStore: Send + Sync + 'static {
    async fn insert_post(&self, user: UserId, post: &PostRecord) -> StoreResult<()>;
    /// The user's posts, newest first.
    async fn list_posts(&self, user: UserId, limit: u32) -> StoreResult<Vec<PostRecord>>;
}
