//! Opening the SQLite store: WAL, the file (and its folder) created on first run.

use std::path::Path;

use sqlx::any::AnyPoolOptions;

use super::StoreResult;
use super::sql::{Dialect, SqlStore};

/// Opens (creating if needed) the SQLite database at a `sqlite://path` URL.
pub async fn connect(url: &str) -> StoreResult<SqlStore> {
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
    let pool = AnyPoolOptions::new()
        .max_connections(4)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA foreign_keys = ON",
                    "PRAGMA busy_timeout = 10000",
                    "PRAGMA synchronous = NORMAL",
                ] {
                    sqlx::query(pragma).execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await?;
    Ok(SqlStore::new(pool, Dialect::Sqlite))
}
