//! Opening the store a database URL names, and applying its migrations: SQLite always,
//! PostgreSQL with the cargo feature `postgres`.

use std::path::Path;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

use super::{Dialect, SqlStore};
use crate::store::{StoreError, StoreResult};

impl SqlStore {
    /// Opens the store the URL names and applies its migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        if url.starts_with("sqlite:") {
            open_sqlite(url).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            {
                open_postgres(url).await
            }
            #[cfg(not(feature = "postgres"))]
            {
                Err(StoreError::Unsupported(
                    "this ping-backend was built without PostgreSQL support: rebuild it with \
                     `cargo build -p ping-backend --features postgres`, or use a sqlite:// URL"
                        .to_owned(),
                ))
            }
        } else {
            Err(StoreError::Unsupported(format!(
                "unknown database URL scheme in {:?}: use sqlite://path or postgres://…",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }
}

/// Opens the SQLite database at a `sqlite://path` URL in WAL mode, creating the file and its
/// folder on first run.
async fn open_sqlite(url: &str) -> StoreResult<SqlStore> {
    sqlx::any::install_default_drivers();
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let path = base.trim_start_matches("sqlite:").trim_start_matches("//");
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
    }
    let url = if query.contains("mode=") {
        url.to_owned()
    } else if query.is_empty() {
        format!("{base}?mode=rwc")
    } else {
        format!("{base}?{query}&mode=rwc")
    };
    let pool = sqlite_pool(&url, 4, false).await?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await?;
    // Its own connections, read-only: in WAL mode readers never wait for the writer.
    let read_pool = sqlite_pool(&url, READ_CONNECTIONS, true).await?;
    Ok(SqlStore::new(pool, read_pool, Dialect::Sqlite))
}

/// Connections of the pool the web UI's pages read through.
const READ_CONNECTIONS: u32 = 4;

async fn sqlite_pool(url: &str, connections: u32, read_only: bool) -> StoreResult<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(connections)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA foreign_keys = ON",
                    "PRAGMA busy_timeout = 10000",
                    "PRAGMA synchronous = NORMAL",
                ] {
                    sqlx::query(pragma).execute(&mut *conn).await?;
                }
                if read_only {
                    sqlx::query("PRAGMA query_only = ON")
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?)
}

/// Connects to a `postgres://` URL and applies the migrations.
#[cfg(feature = "postgres")]
async fn open_postgres(url: &str) -> StoreResult<SqlStore> {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .connect(url)
        .await?;
    sqlx::migrate!("migrations/postgres").run(&pool).await?;
    let read_pool = AnyPoolOptions::new()
        .max_connections(READ_CONNECTIONS)
        .connect(url)
        .await?;
    Ok(SqlStore::new(pool, read_pool, Dialect::Postgres))
}
