//! How an exported message and a live-synced one are recognised as the same, and how profile
//! URLs become keys. Pure functions, shared by the importer and the live ingest.

use std::borrow::Cow;

/// The prefix of the URN an imported message gets until the live sync names its real one.
pub const IMPORTED_MESSAGE_PREFIX: &str = "urn:ping:import:";

/// The prefix of a stand-in account's `profile_urn` (an export imported before any live sync).
pub const STAND_IN_PREFIX: &str = "export:";

/// Replaces the common named and every numeric HTML entity; unknown ones stay as written.
pub fn unescape_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let decoded = tail
            .get(1..tail.find(';').filter(|end| *end <= 12).unwrap_or(0))
            .and_then(|name| Some((entity(name)?, name.len() + 2)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "euro" => '€',
        "copy" => '©',
        _ => return None,
    })
}

/// Whether a body is HTML rather than text (sponsored messages, InMail campaigns).
pub fn looks_like_html(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    [
        "<p", "<br", "<div", "<span", "<a ", "<ul", "<ol", "<li", "<strong", "<b>", "<i>",
    ]
    .iter()
    .any(|tag| lower.contains(tag))
}

/// Text for a person to read: HTML tags dropped (paragraphs and `<br>` become line breaks),
/// entities decoded, CRLF made LF, no blank lines at either end.
pub fn readable_text(raw: &str) -> String {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = if looks_like_html(&text) {
        strip_tags(&text)
    } else {
        text
    };
    let text = unescape_entities(&text).replace('\u{a0}', " ");
    text.trim_matches(|c: char| c == '\n' || c == ' ')
        .to_owned()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let tag = rest[open + 1..open + close].trim().to_ascii_lowercase();
        let name = tag.trim_start_matches('/');
        let name = name
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default();
        let breaks = name == "br" || (tag.starts_with('/') && matches!(name, "p" | "div" | "li"));
        if breaks {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The key two copies of one message share: readable text with every run of whitespace made
/// one space (exports before 2026 lost the line breaks), trimmed.
pub fn text_key(body: &str) -> String {
    readable_text(body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a `linkedin.com/in/<x>` URL names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProfileKey {
    /// A public identifier, percent-decoded and lowercased.
    Slug(String),
    /// LinkedIn's own member id (`ACoA…`), as in the live sync's participant URLs.
    Member(String),
}

/// Reads a profile URL (with or without scheme, `www.`, trailing slash, query or fragment).
pub fn profile_key(url: &str) -> Option<ProfileKey> {
    let url = url.trim();
    let at = url.find("linkedin.com/in/")?;
    let rest = &url[at + "linkedin.com/in/".len()..];
    let raw = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if raw.is_empty() {
        return None;
    }
    if raw.starts_with("ACoA") && raw.len() >= 30 {
        return Some(ProfileKey::Member(raw.to_owned()));
    }
    normalize_slug(raw).map(ProfileKey::Slug)
}

/// A public identifier as the import keys it: percent-decoded, lowercased; `None` if empty.
pub fn normalize_slug(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw.trim()).decode_utf8_lossy();
    let slug = decoded.trim().to_lowercase();
    (!slug.is_empty()).then_some(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_and_live_copies_of_a_message_share_a_key() {
        let live = "Line one\nLine two\n\nA new paragraph & more";
        let exported = "Line one  Line two    A new paragraph &amp; more";
        assert_eq!(text_key(live), text_key(exported));
        let html =
            "<p class=\"spinmail-quill-editor__spin-break\">Hi %FIRSTNAME%,</p><p>Join&nbsp;us</p>";
        assert_eq!(readable_text(html), "Hi %FIRSTNAME%,\nJoin us");
        assert_eq!(text_key("a\r\nb"), "a b");
    }

    #[test]
    fn entities_decode_and_stray_ampersands_stay() {
        assert_eq!(
            unescape_entities("R&D &amp; &#233;t&#xE9; &bogus;"),
            "R&D & été &bogus;"
        );
        assert_eq!(unescape_entities("AT&T"), "AT&T");
    }

    #[test]
    fn profile_urls_become_keys() {
        let slug = |s: &str| Some(ProfileKey::Slug(s.to_owned()));
        assert_eq!(
            profile_key("https://www.linkedin.com/in/Liesl-Okonkwo-7a1"),
            slug("liesl-okonkwo-7a1")
        );
        assert_eq!(profile_key("www.linkedin.com/in/kai/?trk=x"), slug("kai"));
        assert_eq!(
            profile_key("https://www.linkedin.com/in/zo%C3%AB-b"),
            slug("zoë-b")
        );
        assert_eq!(
            profile_key("https://www.linkedin.com/in/ACoAAPeer00000000000000000000000000000000"),
            Some(ProfileKey::Member(
                "ACoAAPeer00000000000000000000000000000000".to_owned()
            ))
        );
        assert_eq!(profile_key("https://www.linkedin.com/company/acme"), None);
        assert_eq!(profile_key(""), None);
    }
}
