use std::fmt;

/// The two LinkedIn cookies a sync needs, read fresh from the browser for every sync.
///
/// It cannot be serialized (no `Serialize` impl) and its `Debug` is redacted, so it can reach
/// neither logs nor the backend by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkedInSession {
    csrf_token: String,
}

/// Why there is no usable LinkedIn session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// No `li_at` cookie: the user is logged out.
    #[error("you are not logged in to LinkedIn: open linkedin.com and log in")]
    LoggedOut,
    /// `li_at` is there but `JSESSIONID` is not; the first page load on linkedin.com sets it.
    #[error("LinkedIn has not set its JSESSIONID cookie yet: open any linkedin.com page")]
    NoCsrfCookie,
}

impl LinkedInSession {
    /// Builds the session from the cookie values as the browser returns them (`JSESSIONID`
    /// keeps its surrounding double quotes). `li_at` is only checked for presence: the browser
    /// attaches it to requests itself, so its value is never kept.
    pub fn from_cookies(
        li_at: Option<&str>,
        jsessionid: Option<&str>,
    ) -> Result<Self, SessionError> {
        if li_at.is_none_or(|value| value.is_empty() || value == "delete me") {
            return Err(SessionError::LoggedOut);
        }
        let csrf_token = jsessionid
            .map(|v| v.trim_matches('"'))
            .filter(|v| !v.is_empty());
        let csrf_token = csrf_token.ok_or(SessionError::NoCsrfCookie)?;
        Ok(Self {
            csrf_token: csrf_token.to_owned(),
        })
    }

    /// The `csrf-token` header value: `JSESSIONID` without its quotes (the `ajax:` prefix kept).
    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl fmt::Debug for LinkedInSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkedInSession(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_token_is_jsessionid_without_its_quotes() {
        let session = LinkedInSession::from_cookies(Some("AQED"), Some("\"ajax:123\"")).unwrap();
        assert_eq!(session.csrf_token(), "ajax:123");
    }

    #[test]
    fn a_missing_or_deleted_li_at_means_logged_out() {
        assert_eq!(
            LinkedInSession::from_cookies(None, Some("\"ajax:1\"")),
            Err(SessionError::LoggedOut)
        );
        assert_eq!(
            LinkedInSession::from_cookies(Some("delete me"), Some("\"ajax:1\"")),
            Err(SessionError::LoggedOut)
        );
        assert_eq!(
            LinkedInSession::from_cookies(Some("AQED"), None),
            Err(SessionError::NoCsrfCookie)
        );
    }

    #[test]
    fn debug_output_never_shows_the_cookie() {
        let session =
            LinkedInSession::from_cookies(Some("AQEDsecret"), Some("\"ajax:987\"")).unwrap();
        let shown = format!("{session:?}");
        assert!(!shown.contains("987") && !shown.contains("AQED"));
    }
}
