//! `official_posts`.

use async_trait::async_trait;
use sqlx::Row as _;

use super::{SqlStore, get_opt_time, get_time, ms};
use crate::ids::UserId;
use crate::store::{PostRecord, PostStore, StoreResult};

#[async_trait]
impl PostStore for SqlStore {
    async fn insert_post(&self, user: UserId, post: &PostRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO official_posts (user_id, organization, commentary, visibility, \
             image_urn, state, post_urn, message, retry_after, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(user.0)
        .bind(&post.organization)
        .bind(&post.commentary)
        .bind(&post.visibility)
        .bind(post.image_urn.as_deref())
        .bind(&post.state)
        .bind(post.post_urn.as_deref())
        .bind(post.message.as_deref())
        .bind(post.retry_after.map(ms))
        .bind(ms(post.created_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_posts(&self, user: UserId, limit: u32) -> StoreResult<Vec<PostRecord>> {
        sqlx::query(
            "SELECT organization, commentary, visibility, image_urn, state, post_urn, message, \
             retry_after, created_at FROM official_posts WHERE user_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(user.0)
        .bind(i64::from(limit))
        .fetch_all(&self.read_pool)
        .await?
        .iter()
        .map(|row| {
            Ok(PostRecord {
                organization: row.try_get("organization")?,
                commentary: row.try_get("commentary")?,
                visibility: row.try_get("visibility")?,
                image_urn: row.try_get("image_urn")?,
                state: row.try_get("state")?,
                post_urn: row.try_get("post_urn")?,
                message: row.try_get("message")?,
                retry_after: get_opt_time(row, "retry_after")?,
                created_at: get_time(row, "created_at")?,
            })
        })
        .collect()
    }
}
