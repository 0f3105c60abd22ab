//! What LinkedIn's HTTP answer means before its body is read (voyager-api.md §8).
//!
//! `detail` strings name statuses and shapes only: no header value, cookie or URL from the
//! answer ever goes into them.

use chrono::{DateTime, Utc};

use super::parse::ParseError;
use super::{HttpResponse, VoyagerCall, VoyagerFailure};

/// Paths that mean the session is gone when LinkedIn redirects there.
const LOGIN_PATHS: [&str; 3] = ["/uas/login", "/login", "/authwall"];
/// Paths of LinkedIn's security checkpoints.
const CHALLENGE_PATHS: [&str; 2] = ["/checkpoint/", "/challenge/"];

/// `Ok(())` when the body should be parsed; otherwise the failure the answer means.
pub fn classify(call: &VoyagerCall, response: &HttpResponse) -> Result<(), VoyagerFailure> {
    classify_answer(call.query_kind().is_some(), response)
}

/// What LinkedIn's answer to a download (an attachment's bytes) means: the same signs of an
/// expired session, a throttle or a checkpoint as for Voyager calls.
pub fn classify_download(response: &HttpResponse) -> Result<(), VoyagerFailure> {
    classify_answer(false, response)
}

fn classify_answer(graphql: bool, response: &HttpResponse) -> Result<(), VoyagerFailure> {
    let status = response.status;
    if status == 0 {
        return Err(VoyagerFailure::Transient {
            detail: "no answer from LinkedIn (network error)".to_owned(),
        });
    }
    if deletes_li_at(response) {
        return Err(VoyagerFailure::SessionExpired);
    }
    let redirect = response.redirected_to.as_deref().or_else(|| {
        (300..400)
            .contains(&status)
            .then(|| response.header("location"))
            .flatten()
    });
    if let Some(target) = redirect {
        if is_login_url(target) {
            return Err(VoyagerFailure::SessionExpired);
        }
        if contains_any(target, &CHALLENGE_PATHS) {
            return Err(challenge(response));
        }
    }
    let html = !looks_like_json(response);
    match status {
        401 => Err(VoyagerFailure::SessionExpired),
        403 if response.body.contains("CSRF check failed") => Err(VoyagerFailure::CsrfFailed),
        429 | 999 => Err(VoyagerFailure::Throttled {
            retry_after_secs: retry_after(response),
            challenge: html && contains_any(&response.body, &CHALLENGE_PATHS),
        }),
        _ if html && is_login_page(&response.body) => Err(VoyagerFailure::SessionExpired),
        _ if html && contains_any(&response.body, &CHALLENGE_PATHS) => Err(challenge(response)),
        200..=299 => Ok(()),
        400 | 404 if graphql => Err(VoyagerFailure::QueryRotated {
            detail: format!("HTTP {status}"),
        }),
        500..=599 => Err(VoyagerFailure::Transient {
            detail: format!("HTTP {status}"),
        }),
        300..=399 => Err(VoyagerFailure::Fatal {
            status,
            detail: "an unexpected redirect".to_owned(),
        }),
        _ => Err(VoyagerFailure::Fatal {
            status,
            detail: if status == 410 {
                "this LinkedIn endpoint is retired".to_owned()
            } else {
                format!("unexpected HTTP {status}")
            },
        }),
    }
}

/// What a body that could not be read means for `call`.
pub fn parse_failure(call: &VoyagerCall, status: u16, error: ParseError) -> VoyagerFailure {
    let rotated = call.query_kind().is_some()
        && matches!(
            error,
            ParseError::NotJson { .. }
                | ParseError::NoCollection { .. }
                | ParseError::WrongVariant { .. }
        );
    if rotated {
        VoyagerFailure::QueryRotated {
            detail: error.to_string(),
        }
    } else {
        VoyagerFailure::Fatal {
            status,
            detail: error.to_string(),
        }
    }
}

fn challenge(response: &HttpResponse) -> VoyagerFailure {
    VoyagerFailure::Throttled {
        retry_after_secs: retry_after(response),
        challenge: true,
    }
}

fn contains_any(text: &str, needles: &[&str]) -> bool {
    needles.iter().any(|needle| text.contains(needle))
}

/// A redirect target on LinkedIn's login paths (absolute or relative), including the
/// `/checkpoint/lg/` login form.
fn is_login_url(target: &str) -> bool {
    let path = target.split_once("://").map_or(target, |(_, rest)| {
        rest.find('/').map_or("", |at| &rest[at..])
    });
    let on_login_path = LOGIN_PATHS.iter().any(|login| {
        path.strip_prefix(login)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
    });
    on_login_path || path.starts_with("/checkpoint/lg/")
}

/// Whether the body is a JSON document (LinkedIn answers JSON as `application/json`,
/// `application/graphql` or the normalized type, so the body decides, not the content type).
fn looks_like_json(response: &HttpResponse) -> bool {
    let body = response.body.trim_start();
    body.is_empty() || body.starts_with('{') || body.starts_with('[')
}

/// LinkedIn's login form (its `session_key` field, or the form posting to `/checkpoint/lg/`),
/// as a fetch sees it after following the login redirect.
fn is_login_page(body: &str) -> bool {
    contains_any(body, &["name=\"session_key\"", "/checkpoint/lg/"])
}

/// A `Set-Cookie` that deletes `li_at`: `"delete me"`, `Max-Age=0` or an expiry in the past
/// (before the answer's `Date`, or before 2000 when there is none).
fn deletes_li_at(response: &HttpResponse) -> bool {
    let date = response.header("date").and_then(http_date);
    response
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .any(|(_, cookie)| {
            let mut parts = cookie.split(';').map(str::trim);
            let Some(("li_at", value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
                return false;
            };
            let deleted_value = value.trim_matches('"') == "delete me" || value.is_empty();
            deleted_value
                || parts.any(|attribute| {
                    let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
                    match key.to_ascii_lowercase().as_str() {
                        "max-age" => value.parse::<i64>().is_ok_and(|age| age <= 0),
                        "expires" => http_date(value).is_some_and(|expires| {
                            expires <= date.unwrap_or(DateTime::<Utc>::MIN_UTC)
                                || expires.timestamp() < 946_684_800
                        }),
                        _ => false,
                    }
                })
        })
}

/// An HTTP date (`Thu, 01 Jan 1970 00:00:00 GMT`, also with dashes as cookies write it).
fn http_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc2822(text)
        .or_else(|_| DateTime::parse_from_rfc2822(&text.replace('-', " ")))
        .ok()
        .map(|date| date.with_timezone(&Utc))
}

/// `Retry-After` in seconds: a number, or an HTTP date counted from the answer's `Date`.
fn retry_after(response: &HttpResponse) -> Option<u64> {
    let value = response.header("retry-after")?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds);
    }
    let until = http_date(value)?;
    let now = http_date(response.header("date")?)?;
    u64::try_from((until - now).num_seconds()).ok()
}
