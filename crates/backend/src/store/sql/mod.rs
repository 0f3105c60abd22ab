//! The SQL store, one implementation for both dialects through sqlx's `Any` driver.
//!
//! Statements are written once with `$1`-style placeholders, which SQLite and PostgreSQL both
//! read; the few that must differ check [`Dialect`]. Times are stored as milliseconds since the
//! epoch (`BIGINT`), flags as 0/1 integers, so every column maps to the same Rust type on both.

mod api_keys;
mod attachment_catalogue;
mod attachments;
mod avatars;
mod contacts;
mod import_links;
mod imports;
mod ingest;
mod library;
mod multi_row;
mod official;
mod official_crm;
mod official_engagement;
mod official_posts;
mod open;
mod pages;
mod pairing;
mod rate_limits;
mod rows;
mod runs;
mod savepoint;
mod search;
mod users;
mod views;

use chrono::{DateTime, Utc};
use ping_core::model::ConversationFolder;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row as _};

use super::{StoreError, StoreResult};

/// Which SQL the pool speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The store over a connection pool, and a second pool for the web UI's reads: page loads
/// never hold the connections pushes and token checks need.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    read_pool: AnyPool,
    dialect: Dialect,
}

impl SqlStore {
    fn new(pool: AnyPool, read_pool: AnyPool, dialect: Dialect) -> Self {
        Self {
            pool,
            read_pool,
            dialect,
        }
    }

    /// The pool the web UI's pages read through (tests saturate it).
    pub fn read_pool(&self) -> &AnyPool {
        &self.read_pool
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The pool, for benchmarks and tests that compare with plain statements.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two writers wait for each other instead of failing on upgrade.
    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        })
    }

    /// Closes the pool (tests clean up their Postgres schema after this).
    pub async fn close(&self) {
        self.read_pool.close().await;
        self.pool.close().await;
    }
}

/// Milliseconds since the epoch, how times are stored.
pub(crate) fn ms(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

fn time_from_ms(value: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(value)
        .ok_or_else(|| StoreError::Corrupt(format!("time out of range: {value}")))
}

/// Reads a stored time column.
fn get_time(row: &AnyRow, column: &str) -> StoreResult<DateTime<Utc>> {
    time_from_ms(row.try_get(column)?)
}

/// Reads a nullable stored time column.
fn get_opt_time(row: &AnyRow, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
    row.try_get::<Option<i64>, _>(column)?
        .map(time_from_ms)
        .transpose()
}

/// Reads a 0/1 flag column.
fn get_flag(row: &AnyRow, column: &str) -> StoreResult<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// Reads a conversation's folder column.
fn get_folder(row: &AnyRow, column: &str) -> StoreResult<ConversationFolder> {
    let name: String = row.try_get(column)?;
    ConversationFolder::parse(&name)
        .ok_or_else(|| StoreError::Corrupt(format!("{column}: no folder is named {name:?}")))
}

/// Parses a JSON column written by the store itself.
fn get_json<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> StoreResult<T> {
    let raw: String = row.try_get(column)?;
    serde_json::from_str(&raw).map_err(|error| StoreError::Corrupt(format!("{column}: {error}")))
}

/// Turns a unique-key violation into [`StoreError::Conflict`].
fn on_unique_violation(error: sqlx::Error, what: &str) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(what.to_owned())
        }
        _ => StoreError::Database(error),
    }
}
