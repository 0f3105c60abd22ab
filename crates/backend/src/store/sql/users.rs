//! Users and web sessions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use super::{SqlStore, ms, on_unique_violation};
use crate::ids::UserId;
use crate::store::{NewSession, SessionRecord, StoreResult, UserRecord, UserStore};

#[async_trait]
impl UserStore for SqlStore {
    async fn create_user(
        &self,
        email: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<UserId> {
        let row = sqlx::query(
            "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(email)
        .bind(password_hash)
        .bind(ms(now))
        .fetch_one(&self.pool)
        .await
        .map_err(|error| on_unique_violation(error, "a user with this email"))?;
        Ok(UserId(row.try_get("id")?))
    }

    async fn count_users(&self) -> StoreResult<u64> {
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(count.unsigned_abs())
    }

    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query("SELECT id, email, password_hash FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(UserRecord {
                id: UserId(row.try_get("id")?),
                email: row.try_get("email")?,
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    async fn create_session(&self, session: &NewSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.id_hash)
        .bind(session.user.0)
        .bind(&session.csrf_token)
        .bind(ms(session.created_at))
        .bind(ms(session.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn find_session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT s.user_id, u.email, s.csrf_token FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2",
        )
        .bind(id_hash)
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SessionRecord {
                user: UserId(row.try_get("user_id")?),
                email: row.try_get("email")?,
                csrf_token: row.try_get("csrf_token")?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn remember_device(
        &self,
        id_hash: &str,
        user: UserId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO login_devices (id_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id_hash)
        .bind(user.0)
        .bind(ms(now))
        .bind(ms(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn find_device(&self, id_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<UserId>> {
        let row =
            sqlx::query("SELECT user_id FROM login_devices WHERE id_hash = $1 AND expires_at > $2")
                .bind(id_hash)
                .bind(ms(now))
                .fetch_optional(&self.pool)
                .await?;
        Ok(row
            .map(|row| row.try_get::<i64, _>("user_id"))
            .transpose()?
            .map(UserId))
    }
}
