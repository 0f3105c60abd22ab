//! The request log tests read: every request's method, path, query, headers and body, and how
//! the limiter refused it.

use std::collections::VecDeque;

use serde::Serialize;

use crate::limiter::LimiterEvent;

/// At most this many requests are kept (the oldest are dropped first).
const CAPACITY: usize = 200_000;

/// One request as the fake received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    /// Increasing from 1 over the server's life (not reset by clearing).
    pub seq: u64,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, without `?` (percent-encoding kept as sent).
    pub query: String,
    /// Header names in lowercase, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body as UTF-8 (lossy).
    pub body: String,
    /// How the limiter refused this call, if it did (absent from the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limiter: Option<LimiterEvent>,
}

impl LoggedRequest {
    /// The first value of a header, by lowercase name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The log itself.
#[derive(Debug, Default)]
pub struct RequestLog {
    last_seq: u64,
    entries: VecDeque<LoggedRequest>,
}

impl RequestLog {
    /// Records a request and returns its sequence number.
    pub fn push(&mut self, mut request: LoggedRequest) -> u64 {
        self.last_seq += 1;
        request.seq = self.last_seq;
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(request);
        self.last_seq
    }

    /// Records how the limiter refused request `seq` (a no-op once it has left the log).
    pub fn note_limiter(&mut self, seq: u64, event: LimiterEvent) {
        if let Some(request) = self.entries.iter_mut().rev().find(|r| r.seq == seq) {
            request.limiter = Some(event);
        }
    }

    /// Requests with a sequence number above `since`.
    pub fn since(&self, since: u64) -> Vec<LoggedRequest> {
        self.entries
            .iter()
            .filter(|r| r.seq > since)
            .cloned()
            .collect()
    }

    /// Forgets every request (sequence numbers keep increasing).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
