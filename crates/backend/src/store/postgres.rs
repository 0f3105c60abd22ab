//! Opening the PostgreSQL store (cargo feature `postgres`).

use sqlx::any::AnyPoolOptions;

use super::StoreResult;
use super::sql::{Dialect, SqlStore};

/// Connects to a `postgres://` URL and applies the migrations.
pub async fn connect(url: &str) -> StoreResult<SqlStore> {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .connect(url)
        .await?;
    sqlx::migrate!("migrations/postgres").run(&pool).await?;
    Ok(SqlStore::new(pool, Dialect::Postgres))
}
