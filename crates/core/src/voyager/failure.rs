use serde::{Deserialize, Serialize};

/// Why a Voyager call did not give a usable answer, classified by what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(
    tag = "failure",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum VoyagerFailure {
    /// 401, a redirect to the login page, or `li_at` deleted.
    #[error("your LinkedIn session has expired: open linkedin.com and log in again")]
    SessionExpired,
    /// 403 `CSRF check failed.`: the `csrf-token` did not match `JSESSIONID`. The session may
    /// be fine; retry with fresh cookies, then through an open LinkedIn tab.
    #[error("LinkedIn refused the request's CSRF token: retrying with fresh cookies")]
    CsrfFailed,
    /// 429, 999 or a checkpoint page.
    #[error("LinkedIn is limiting requests: the sync will continue later")]
    Throttled {
        /// The `Retry-After` header, when LinkedIn sent one; the planner honours it.
        retry_after_secs: Option<u64>,
        /// LinkedIn showed a security checkpoint; the user must open linkedin.com to clear it.
        challenge: bool,
    },
    /// 400/404, or a 200 with GraphQL `errors` or without the expected collection: the query id
    /// is no longer served.
    #[error(
        "LinkedIn changed its messaging API ({detail}): open linkedin.com/messaging so the extension can learn the new version"
    )]
    QueryRotated {
        /// What was seen instead of the collection.
        detail: String,
    },
    /// 5xx or a network failure; worth retrying soon.
    #[error("LinkedIn could not be reached ({detail}): will retry")]
    Transient {
        /// The HTTP status, or that no answer came.
        detail: String,
    },
    /// Anything else; the sync stops and reports it.
    #[error("LinkedIn answered {status}: {detail}")]
    Fatal {
        /// The HTTP status; 0 when no request could be built, so none was sent.
        status: u16,
        /// What went wrong, for the report.
        detail: String,
    },
}

/// A call the planner asked for but no request can be built for (no mailbox, no query id) is
/// never sent: the sync stops and reports it like any answer it cannot go on from.
impl From<super::RequestError> for VoyagerFailure {
    fn from(error: super::RequestError) -> Self {
        Self::Fatal {
            status: 0,
            detail: error.to_string(),
        }
    }
}
