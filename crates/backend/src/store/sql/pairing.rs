//! Pairing codes and extension tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{SqlStore, get_opt_time, get_time, ms};
use crate::ids::{TokenId, UserId};
use crate::store::{
    CodeDirection, NewToken, PairingCodeRecord, PairingStore, Rotation, StoreError, StoreResult,
    Successor, TokenRecord,
};

fn code_from_row(row: &AnyRow) -> StoreResult<PairingCodeRecord> {
    let direction: String = row.try_get("direction")?;
    Ok(PairingCodeRecord {
        code: row.try_get("code")?,
        direction: CodeDirection::parse(&direction)
            .ok_or_else(|| StoreError::Corrupt(format!("pairing direction {direction:?}")))?,
        user: row.try_get::<Option<i64>, _>("user_id")?.map(UserId),
        client_name: row.try_get("client_name")?,
        poll_secret_hash: row.try_get("poll_secret_hash")?,
        created_at: get_time(row, "created_at")?,
        expires_at: get_time(row, "expires_at")?,
        paired_at: get_opt_time(row, "paired_at")?,
        consumed_at: get_opt_time(row, "consumed_at")?,
    })
}

fn token_from_row(row: &AnyRow) -> StoreResult<TokenRecord> {
    Ok(TokenRecord {
        id: TokenId(row.try_get("id")?),
        user: UserId(row.try_get("user_id")?),
        client_name: row.try_get("client_name")?,
        created_at: get_time(row, "created_at")?,
        expires_at: get_time(row, "expires_at")?,
        last_seen_at: get_opt_time(row, "last_seen_at")?,
        revoked_at: get_opt_time(row, "revoked_at")?,
        rotated_at: get_opt_time(row, "rotated_at")?,
    })
}

const TOKEN_COLUMNS: &str =
    "id, user_id, client_name, created_at, expires_at, last_seen_at, revoked_at, rotated_at";

/// The successor `old` was replaced by, if it was replaced (and not revoked in the web UI).
async fn successor_of(
    conn: &mut sqlx::AnyConnection,
    old: TokenId,
) -> StoreResult<Option<Successor>> {
    let row = sqlx::query(
        "SELECT o.rotated_at, o.successor_id, o.successor_sealed, n.expires_at, n.revoked_at \
         FROM extension_tokens o JOIN extension_tokens n ON n.id = o.successor_id \
         WHERE o.id = $1 AND o.rotated_at IS NOT NULL",
    )
    .bind(old.0)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(Successor {
            id: TokenId(row.try_get("successor_id")?),
            rotated_at: get_time(&row, "rotated_at")?,
            sealed: row.try_get("successor_sealed")?,
            expires_at: get_time(&row, "expires_at")?,
            revoked: get_opt_time(&row, "revoked_at")?.is_some(),
        })
    })
    .transpose()
}

async fn insert_token<'c, E>(executor: E, token: &NewToken) -> StoreResult<TokenId>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "INSERT INTO extension_tokens (user_id, token_hash, client_name, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(token.user.0)
    .bind(&token.token_hash)
    .bind(&token.client_name)
    .bind(ms(token.created_at))
    .bind(ms(token.expires_at))
    .fetch_one(executor)
    .await?;
    Ok(TokenId(row.try_get("id")?))
}

#[async_trait]
impl PairingStore for SqlStore {
    async fn insert_pairing_code(&self, code: &PairingCodeRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO pairing_codes (code, direction, user_id, client_name, poll_secret_hash, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&code.code)
        .bind(code.direction.as_str())
        .bind(code.user.map(|user| user.0))
        .bind(&code.client_name)
        .bind(&code.poll_secret_hash)
        .bind(ms(code.created_at))
        .bind(ms(code.expires_at))
        .execute(&self.pool)
        .await
        .map_err(|error| super::on_unique_violation(error, "this pairing code"))?;
        Ok(())
    }

    async fn find_pairing_code(&self, code: &str) -> StoreResult<Option<PairingCodeRecord>> {
        sqlx::query("SELECT * FROM pairing_codes WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(code_from_row)
            .transpose()
    }

    async fn pair_code(&self, code: &str, user: UserId, now: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE pairing_codes SET user_id = $1, paired_at = $2 WHERE code = $3 \
             AND direction = 'extension' AND paired_at IS NULL AND consumed_at IS NULL",
        )
        .bind(user.0)
        .bind(ms(now))
        .bind(code)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn redeem_code(&self, code: &str, token: &NewToken) -> StoreResult<Option<TokenId>> {
        let mut tx = self.begin_write().await?;
        let used = sqlx::query(
            "UPDATE pairing_codes SET consumed_at = $1 WHERE code = $2 AND consumed_at IS NULL",
        )
        .bind(ms(token.created_at))
        .bind(code)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Ok(None);
        }
        let id = insert_token(&mut *tx, token).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn find_token(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>> {
        sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM extension_tokens WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(token_from_row)
        .transpose()
    }

    async fn touch_token(&self, id: TokenId, now: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE extension_tokens SET last_seen_at = $1 WHERE id = $2")
            .bind(ms(now))
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn revoke_token(
        &self,
        user: UserId,
        id: TokenId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE extension_tokens SET revoked_at = $1 \
             WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(ms(now))
        .bind(id.0)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        // The token it replaced stops answering too.
        sqlx::query(
            "UPDATE extension_tokens SET rotated_at = NULL, successor_sealed = NULL \
             WHERE successor_id = $1 AND user_id = $2",
        )
        .bind(id.0)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn rotate_token(
        &self,
        old: TokenId,
        new: &NewToken,
        sealed: &str,
    ) -> StoreResult<Rotation> {
        let mut tx = self.begin_write().await?;
        // Only one refresh replaces a token: a concurrent one finds it replaced (on
        // PostgreSQL it waits for the row, then reads the other's successor).
        let replaced = sqlx::query(
            "UPDATE extension_tokens SET revoked_at = $1, rotated_at = $1 \
             WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(ms(new.created_at))
        .bind(old.0)
        .bind(new.user.0)
        .execute(&mut *tx)
        .await?;
        if replaced.rows_affected() != 1 {
            let successor = successor_of(&mut tx, old).await?;
            tx.commit().await?;
            return Ok(successor.map_or(Rotation::Revoked, Rotation::Replaced));
        }
        let id = insert_token(&mut *tx, new).await?;
        sqlx::query(
            "UPDATE extension_tokens SET successor_id = $1, successor_sealed = $2 WHERE id = $3",
        )
        .bind(id.0)
        .bind(sealed)
        .bind(old.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Rotation::Issued(id))
    }

    async fn list_tokens(&self, user: UserId) -> StoreResult<Vec<TokenRecord>> {
        sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM extension_tokens WHERE user_id = $1 AND revoked_at IS NULL \
             ORDER BY created_at DESC, id DESC"
        ))
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(token_from_row)
        .collect()
    }

    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<()> {
        for (sql, time) in [
            ("DELETE FROM sessions WHERE expires_at <= $1", now),
            (
                "DELETE FROM pairing_codes WHERE expires_at <= $1",
                stale_before,
            ),
            ("DELETE FROM rate_limit_events WHERE at <= $1", stale_before),
            ("DELETE FROM login_devices WHERE expires_at <= $1", now),
            // A replaced token's grace is long over: its successor need not be opened again.
            (
                "UPDATE extension_tokens SET successor_sealed = NULL WHERE rotated_at <= $1",
                stale_before,
            ),
        ] {
            sqlx::query(sql).bind(ms(time)).execute(&self.pool).await?;
        }
        Ok(())
    }
}
