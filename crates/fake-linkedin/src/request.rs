//! A received request, read once: host, path, raw query, headers, cookies and body.

use axum::http::{HeaderMap, Method, header};
use percent_encoding::percent_decode_str;

use crate::log::LoggedRequest;

/// One request as the handlers see it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: Method,
    /// The `Host` without port, lowercase.
    pub host: String,
    pub path: String,
    /// Raw query string without `?`.
    pub query: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Req {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A cookie's raw value (quotes kept), from every `cookie` header.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }

    /// A query parameter exactly as sent (no percent-decoding).
    pub fn raw_param(&self, name: &str) -> Option<&str> {
        self.query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }

    /// A query parameter, percent-decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        let raw = self.raw_param(name)?;
        Some(percent_decode_str(raw).decode_utf8_lossy().into_owned())
    }

    /// Whether the client asked for `accept` containing `needle`.
    pub fn accepts(&self, needle: &str) -> bool {
        self.header("accept").is_some_and(|a| a.contains(needle))
    }

    /// The log entry for this request.
    pub fn to_log(&self) -> LoggedRequest {
        LoggedRequest {
            seq: 0,
            method: self.method.to_string(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: self.body.clone(),
            limiter: None,
        }
    }
}
