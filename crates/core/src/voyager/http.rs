use serde::{Deserialize, Serialize};

/// A request to LinkedIn, ready for any transport (the worker's `fetch`, a tab, a native client).
///
/// It never holds `li_at`: the browser attaches LinkedIn's cookies itself. It does hold the
/// `csrf-token` header, so it must not be logged or sent anywhere but LinkedIn.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct HttpRequest {
    /// Absolute URL on `https://www.linkedin.com`.
    pub url: String,
    /// Header names in lowercase.
    pub headers: Vec<(String, String)>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("url", &self.url)
            .field("header_names", &names)
            .finish()
    }
}

/// LinkedIn's answer as any transport saw it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct HttpResponse {
    /// HTTP status; 0 when the transport failed before any answer (network error).
    pub status: u16,
    /// Header names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The body as text: JSON for Voyager answers, HTML or plain text for login pages and errors.
    pub body: String,
    /// Where a followed redirect ended, when the transport followed one.
    pub redirected_to: Option<String>,
}

impl HttpResponse {
    /// The first value of a header, by lowercase name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}
