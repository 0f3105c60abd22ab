//! Sync runs, account status and the sync requests the web UI queues for the extension.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::ProfileUrn;
use ping_protocol::{AccountStatus, RunReport, SyncRequest, SyncRequestState};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::{Dialect, SqlStore, get_flag, get_json, get_time, ms};
use crate::ids::UserId;
use crate::store::{RunStore, StoreError, StoreResult};

fn state_str(state: SyncRequestState) -> &'static str {
    match state {
        SyncRequestState::Queued => "queued",
        SyncRequestState::Delivered => "delivered",
        SyncRequestState::Done => "done",
    }
}

fn request_from_row(row: &AnyRow) -> StoreResult<SyncRequest> {
    let account: String = row.try_get("account_urn")?;
    let state: String = row.try_get("state")?;
    Ok(SyncRequest {
        id: row.try_get("id")?,
        account_id: ProfileUrn::parse(&account)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?,
        force: get_flag(row, "force")?,
        state: match state.as_str() {
            "queued" => SyncRequestState::Queued,
            "delivered" => SyncRequestState::Delivered,
            "done" => SyncRequestState::Done,
            other => return Err(StoreError::Corrupt(format!("sync request state {other:?}"))),
        },
        requested_at: get_time(row, "requested_at")?,
    })
}

const REQUEST_COLUMNS: &str = "id, account_urn, force, state, requested_at";

impl SqlStore {
    async fn count(&self, sql: &str, account_id: i64) -> StoreResult<u64> {
        let n: i64 = sqlx::query(sql)
            .bind(account_id)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(n.unsigned_abs())
    }
}

/// The account's pending request (queued or delivered, not done): the newest, the same one
/// for the status and for a caller that joins it. Binds the user (`$1`) and the account (`$2`).
fn pending_request_query() -> String {
    format!(
        "SELECT {REQUEST_COLUMNS} FROM sync_requests WHERE user_id = $1 \
         AND account_urn = $2 AND state <> 'done' ORDER BY requested_at DESC, id DESC LIMIT 1"
    )
}

#[async_trait]
impl RunStore for SqlStore {
    async fn insert_run(
        &self,
        user: UserId,
        report: &RunReport,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(report)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let account = report.account.as_ref().map(ToString::to_string);
        let mut tx = self.begin_write().await?;
        let run: i64 = sqlx::query(
            "INSERT INTO sync_runs (user_id, account_urn, run_id, finished_at, report_json, \
             received_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user.0)
        .bind(account.clone())
        .bind(&report.run_id)
        .bind(ms(report.finished_at))
        .bind(json)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        if let Some(account) = account {
            sqlx::query(
                "UPDATE sync_requests SET state = 'done', done_at = $1, done_run = $4 \
                 WHERE user_id = $2 AND account_urn = $3 AND state = 'delivered'",
            )
            .bind(ms(now))
            .bind(user.0)
            .bind(account)
            .bind(run)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn list_runs(&self, user: UserId, limit: u32) -> StoreResult<Vec<RunReport>> {
        sqlx::query(
            "SELECT report_json FROM sync_runs WHERE user_id = $1 \
             ORDER BY finished_at DESC, id DESC LIMIT $2",
        )
        .bind(user.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| get_json(row, "report_json"))
        .collect()
    }

    async fn list_accounts(&self, user: UserId) -> StoreResult<Vec<AccountStatus>> {
        let accounts = sqlx::query(
            "SELECT id, profile_urn, name FROM linkedin_accounts WHERE user_id = $1 \
             AND imported_only = 0 ORDER BY name",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        let mut statuses = Vec::with_capacity(accounts.len());
        for account in accounts {
            let id: i64 = account.try_get("id")?;
            let urn: String = account.try_get("profile_urn")?;
            let last_run = sqlx::query(
                "SELECT report_json FROM sync_runs WHERE user_id = $1 AND account_urn = $2 \
                 ORDER BY finished_at DESC, id DESC LIMIT 1",
            )
            .bind(user.0)
            .bind(&urn)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| get_json::<RunReport>(&row, "report_json"))
            .transpose()?;
            let pending_request = sqlx::query(&pending_request_query())
                .bind(user.0)
                .bind(&urn)
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(request_from_row)
                .transpose()?;
            statuses.push(AccountStatus {
                account_id: ProfileUrn::parse(&urn)
                    .map_err(|error| StoreError::Corrupt(error.to_string()))?,
                name: account.try_get("name")?,
                last_run,
                conversations: self
                    .count(
                        "SELECT COUNT(*) AS n FROM conversations \
                         WHERE account_id = $1 AND deleted_at IS NULL",
                        id,
                    )
                    .await?,
                messages: self
                    .count(
                        "SELECT COUNT(*) AS n FROM messages m JOIN conversations v \
                         ON v.id = m.conversation_id WHERE v.account_id = $1",
                        id,
                    )
                    .await?,
                contacts: self
                    .count(
                        "SELECT COUNT(DISTINCT p.contact_id) AS n FROM conversation_participants p \
                         JOIN conversations v ON v.id = p.conversation_id WHERE v.account_id = $1",
                        id,
                    )
                    .await?,
                pending_request,
            });
        }
        Ok(statuses)
    }

    async fn get_sync_request(&self, user: UserId, id: &str) -> StoreResult<Option<SyncRequest>> {
        sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM sync_requests WHERE id = $1 AND user_id = $2"
        ))
        .bind(id)
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(request_from_row)
        .transpose()
    }

    async fn join_or_create_sync_request(
        &self,
        user: UserId,
        request: &SyncRequest,
    ) -> StoreResult<SyncRequest> {
        // On SQLite the write transaction (`BEGIN IMMEDIATE`) already runs alone. On PostgreSQL
        // a second caller for the same user waits on the user's row until the first commits,
        // then sees its request; `NO KEY` so that inserts referencing the user do not wait.
        let mut tx = self.begin_write().await?;
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE")
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await?;
        }
        let account = request.account_id.to_string();
        let pending = sqlx::query(&pending_request_query())
            .bind(user.0)
            .bind(&account)
            .fetch_optional(&mut *tx)
            .await?
            .as_ref()
            .map(request_from_row)
            .transpose()?;
        let joined = match pending {
            // Joining an unforced request that has not reached the extension yet: a forced
            // caller must not be answered by a run the throttle skips.
            Some(mut pending)
                if request.force && !pending.force && pending.state == SyncRequestState::Queued =>
            {
                sqlx::query("UPDATE sync_requests SET force = 1 WHERE id = $1")
                    .bind(&pending.id)
                    .execute(&mut *tx)
                    .await?;
                pending.force = true;
                pending
            }
            Some(pending) => pending,
            None => {
                sqlx::query(
                    "INSERT INTO sync_requests (id, user_id, account_urn, force, state, \
                     requested_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&request.id)
                .bind(user.0)
                .bind(&account)
                .bind(i64::from(request.force))
                .bind(state_str(request.state))
                .bind(ms(request.requested_at))
                .execute(&mut *tx)
                .await?;
                request.clone()
            }
        };
        tx.commit().await?;
        Ok(joined)
    }

    async fn deliver_sync_request(
        &self,
        user: UserId,
        account: Option<&ProfileUrn>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SyncRequest>> {
        let mut tx = self.begin_write().await?;
        let account_rule = if account.is_some() {
            "AND account_urn = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM sync_requests WHERE user_id = $1 AND state = 'queued' \
             {account_rule} ORDER BY requested_at, id LIMIT 1"
        );
        let mut query = sqlx::query(&sql).bind(user.0);
        if let Some(account) = account {
            query = query.bind(account.to_string());
        }
        let Some(row) = query.fetch_optional(&mut *tx).await? else {
            return Ok(None);
        };
        let mut request = request_from_row(&row)?;
        sqlx::query(
            "UPDATE sync_requests SET state = 'delivered', delivered_at = $1 WHERE id = $2",
        )
        .bind(ms(now))
        .bind(&request.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        request.state = SyncRequestState::Delivered;
        Ok(Some(request))
    }
}
