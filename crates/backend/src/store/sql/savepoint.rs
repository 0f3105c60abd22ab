//! One record's writes inside a push transaction, undone alone when the database refuses them.
//!
//! A push is written in one transaction, and normally in one go. When the database refuses
//! something in it (a text too long for PostgreSQL's full-text index, a constraint), the
//! transaction is rolled back and the push written again with each record in a savepoint of
//! its own: a refused record is rolled back to its savepoint and reported, and the rest of the
//! batch is stored. A failure that is not a refusal (the connection, a lock) still fails the
//! whole push, as before.

use sqlx::AnyConnection;

use crate::store::StoreResult;

/// How a push is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Isolation {
    /// In one go: the first refusal fails the transaction.
    Together,
    /// Each record in a savepoint of its own.
    EachRecord,
}

/// One record's writes, begun with [`Record::start`] and ended with [`Record::finish`].
#[must_use]
pub(super) struct Record {
    savepoint: bool,
}

impl Record {
    pub(super) async fn start(conn: &mut AnyConnection, isolation: Isolation) -> StoreResult<Self> {
        let savepoint = isolation == Isolation::EachRecord;
        if savepoint {
            sqlx::query("SAVEPOINT record").execute(&mut *conn).await?;
        }
        Ok(Self { savepoint })
    }

    /// The record's outcome: its value, or (in a savepoint) the reason the database refused
    /// it, its writes undone. Any other failure is the push's.
    pub(super) async fn finish<T>(
        self,
        conn: &mut AnyConnection,
        result: StoreResult<T>,
    ) -> StoreResult<Result<T, String>> {
        match result {
            Ok(value) => {
                if self.savepoint {
                    sqlx::query("RELEASE SAVEPOINT record")
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(Ok(value))
            }
            Err(error) => match error.refusal().filter(|_| self.savepoint) {
                Some(reason) => {
                    for statement in ["ROLLBACK TO SAVEPOINT record", "RELEASE SAVEPOINT record"] {
                        sqlx::query(statement).execute(&mut *conn).await?;
                    }
                    Ok(Err(format!("the database refused it: {reason}")))
                }
                None => Err(error),
            },
        }
    }
}

/// Writes `what` in one go, and if the database refuses part of it, again record by record so
/// that only what it refuses is left out (and reported).
pub(super) async fn written<T, Write, Written>(what: &str, write: Write) -> StoreResult<T>
where
    Write: Fn(Isolation) -> Written,
    Written: Future<Output = StoreResult<T>>,
{
    match write(Isolation::Together).await {
        Err(error) if error.refusal().is_some() => {
            tracing::warn!(%error, "the database refused part of {what}: writing it record by record");
            write(Isolation::EachRecord).await
        }
        written => written,
    }
}
