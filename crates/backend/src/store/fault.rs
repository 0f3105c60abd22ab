//! Telling a database that refuses the data (the same data fails the same way again) from a
//! database that fails to work (worth another try).

use sqlx::error::{DatabaseError, ErrorKind};

use super::StoreError;

/// PostgreSQL error classes of refused data (SQLSTATE): 22 data exception (a NUL character,
/// a value out of range), 23 integrity constraint violation, and 54000 program limit exceeded
/// (a text too long for its full-text index).
fn postgres_refusal(state: &str) -> bool {
    state.starts_with("22") || state.starts_with("23") || state == "54000"
}

/// SQLite primary result codes of refused data: too big, constraint (triggers included),
/// type mismatch. Extended codes carry the primary one in their low byte.
fn sqlite_refusal(code: i64) -> bool {
    matches!(code & 0xff, 18..=20)
}

fn refused(error: &dyn DatabaseError) -> bool {
    let constraint = matches!(
        error.kind(),
        ErrorKind::UniqueViolation
            | ErrorKind::ForeignKeyViolation
            | ErrorKind::NotNullViolation
            | ErrorKind::CheckViolation
    );
    let sqlite = error
        .try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .is_some();
    constraint
        || error.code().is_some_and(|code| {
            if sqlite {
                code.parse().is_ok_and(sqlite_refusal)
            } else {
                postgres_refusal(&code)
            }
        })
}

impl StoreError {
    /// Why the database refused the data itself, when it did (and not that it failed to work):
    /// a character or a size it cannot hold, a broken constraint. `None` for every other
    /// failure.
    pub fn refusal(&self) -> Option<String> {
        match self {
            Self::Database(sqlx::Error::Database(error)) if refused(error.as_ref()) => {
                Some(error.message().to_owned())
            }
            Self::Database(sqlx::Error::Encode(error)) => Some(error.to_string()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_data_is_told_from_a_failing_database() {
        assert!(postgres_refusal("22021"), "a NUL character");
        assert!(postgres_refusal("23505"), "a unique violation");
        assert!(postgres_refusal("54000"), "a tsvector too long");
        assert!(!postgres_refusal("08006"), "a lost connection");
        assert!(!postgres_refusal("40001"), "a serialization failure");
        assert!(!postgres_refusal("53300"), "too many connections");
        assert!(sqlite_refusal(19), "constraint");
        assert!(sqlite_refusal(1811), "a trigger's RAISE(ABORT)");
        assert!(sqlite_refusal(18), "too big");
        assert!(!sqlite_refusal(5), "busy");
        assert!(!sqlite_refusal(10), "I/O error");
        let io = StoreError::Database(sqlx::Error::PoolTimedOut);
        assert_eq!(io.refusal(), None);
    }
}
