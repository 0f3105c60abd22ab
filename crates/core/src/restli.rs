//! Rest.li 2.0 URL encoding of structured values, as used by Voyager's `variables=` parameter.
//!
//! A tuple renders as `(k1:v1,k2:v2)` and a list as `List(a,b)`. Everything inside a key or a
//! scalar value is percent-encoded except the unreserved characters (`A-Z a-z 0-9 - . _ ~`), so a
//! URN's own `(`, `)`, `,` and `:` become `%28`, `%29`, `%2C` and `%3A`, while the punctuation of
//! the tuple itself stays raw. The empty string renders as `''`.
//!
//! The wire carries no types: a number or a boolean is just its text. [`RestliValue::Scalar`]
//! therefore holds text, and `From<i64>`/`From<bool>` plus [`RestliValue::as_i64`] and
//! [`RestliValue::as_bool`] convert at the edges. This keeps `decode(encode(v)) == v` exact.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but the unreserved characters of RFC 3986 is encoded.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A Rest.li value: a scalar, a `List(...)` or a tuple `(k:v,...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestliValue {
    /// A string, number or boolean, as text.
    Scalar(String),
    /// `List(a,b,...)`.
    List(Vec<RestliValue>),
    /// `(k:v,...)`, keys in the order given.
    Tuple(Vec<(String, RestliValue)>),
}

/// Why a `variables` string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestliError {
    /// The text does not follow the tuple grammar at `position` (a byte offset).
    #[error("malformed Rest.li value at byte {position}: {reason}")]
    Syntax {
        /// Byte offset into the decoded text.
        position: usize,
        /// What was expected there.
        reason: &'static str,
    },
    /// A key or value percent-decodes to bytes that are not UTF-8.
    #[error("a Rest.li value is not UTF-8 once percent-decoded")]
    NotUtf8,
}

impl From<&str> for RestliValue {
    fn from(text: &str) -> Self {
        Self::Scalar(text.to_owned())
    }
}

impl From<String> for RestliValue {
    fn from(text: String) -> Self {
        Self::Scalar(text)
    }
}

impl From<i64> for RestliValue {
    fn from(number: i64) -> Self {
        Self::Scalar(number.to_string())
    }
}

impl From<bool> for RestliValue {
    fn from(flag: bool) -> Self {
        Self::Scalar(flag.to_string())
    }
}

impl RestliValue {
    /// A tuple from `(key, value)` pairs.
    pub fn tuple<K: Into<String>>(entries: impl IntoIterator<Item = (K, RestliValue)>) -> Self {
        Self::Tuple(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The value under `key` when this is a tuple (the first one, should a key repeat).
    pub fn get(&self, key: &str) -> Option<&RestliValue> {
        match self {
            Self::Tuple(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// A scalar read as a whole number.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_str()?.parse().ok()
    }

    /// A scalar read as `true`/`false`.
    pub fn as_bool(&self) -> Option<bool> {
        self.as_str()?.parse().ok()
    }

    /// The elements of a list.
    pub fn as_list(&self) -> Option<&[RestliValue]> {
        match self {
            Self::List(items) => Some(items),
            _ => None,
        }
    }

    /// Renders the value in Rest.li 2.0 URL form, ready to follow `variables=`.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut String) {
        match self {
            Self::Scalar(text) => write_scalar(text, out),
            Self::List(items) => {
                out.push_str("List(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_to(out);
                }
                out.push(')');
            }
            Self::Tuple(entries) => {
                out.push('(');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_scalar(key, out);
                    out.push(':');
                    value.write_to(out);
                }
                out.push(')');
            }
        }
    }

    /// Parses a Rest.li 2.0 URL value (e.g. the `variables` parameter), percent-decoding keys
    /// and scalars. Raw `(` inside a scalar (an unencoded URN) is refused, as LinkedIn does.
    pub fn decode(text: &str) -> Result<Self, RestliError> {
        let mut parser = Parser { text, position: 0 };
        let value = parser.value()?;
        if parser.position != text.len() {
            return Err(parser.error("unexpected text after the value"));
        }
        Ok(value)
    }
}

/// Percent-encodes one key or scalar; the empty string becomes `''`.
pub fn encode_component(text: &str) -> String {
    let mut out = String::new();
    write_scalar(text, &mut out);
    out
}

fn write_scalar(text: &str, out: &mut String) {
    if text.is_empty() {
        out.push_str("''");
    } else {
        // Writing into a String cannot fail.
        let _ = write!(out, "{}", utf8_percent_encode(text, ENCODED));
    }
}

struct Parser<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.position..]
    }

    fn error(&self, reason: &'static str) -> RestliError {
        RestliError::Syntax {
            position: self.position,
            reason,
        }
    }

    fn expect(&mut self, punctuation: char) -> Result<(), RestliError> {
        if self.rest().starts_with(punctuation) {
            self.position += 1;
            Ok(())
        } else {
            Err(self.error(match punctuation {
                ':' => "expected ':' after a key",
                ')' => "expected ')' or ','",
                _ => "expected '('",
            }))
        }
    }

    fn value(&mut self) -> Result<RestliValue, RestliError> {
        if self.rest().starts_with("List(") {
            self.position += "List".len();
            let items = self.sequence(Self::value)?;
            Ok(RestliValue::List(items))
        } else if self.rest().starts_with('(') {
            let entries = self.sequence(|parser| {
                let key = parser.scalar(true)?;
                parser.expect(':')?;
                Ok((key, parser.value()?))
            })?;
            Ok(RestliValue::Tuple(entries))
        } else {
            self.scalar(false).map(RestliValue::Scalar)
        }
    }

    /// `(item,item,...)` with the parser on the `(`.
    fn sequence<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, RestliError>,
    ) -> Result<Vec<T>, RestliError> {
        self.expect('(')?;
        let mut items = Vec::new();
        if self.rest().starts_with(')') {
            self.position += 1;
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            if self.rest().starts_with(',') {
                self.position += 1;
            } else {
                self.expect(')')?;
                return Ok(items);
            }
        }
    }

    /// A key (stops at `:`) or a scalar value (a raw `:` is tolerated there): text up to `,` or
    /// `)`. A raw `(` is an error: it means an unencoded URN.
    fn scalar(&mut self, is_key: bool) -> Result<String, RestliError> {
        if self.rest().starts_with("''") {
            self.position += 2;
            return Ok(String::new());
        }
        let rest = &self.text[self.position..];
        let end = if is_key {
            rest.find([',', ')', '(', ':'])
        } else {
            rest.find([',', ')', '('])
        }
        .unwrap_or(rest.len());
        let raw = &rest[..end];
        if rest[end..].starts_with('(') {
            self.position += end;
            return Err(self.error("raw '(' inside a value: percent-encode it as %28"));
        }
        if raw.is_empty() {
            return Err(self.error("expected a key or a value"));
        }
        if let Some(at) = bad_escape(raw) {
            self.position += at;
            return Err(self.error("malformed percent escape"));
        }
        self.position += end;
        percent_decode_str(raw)
            .decode_utf8()
            .map(|text| text.into_owned())
            .map_err(|_| RestliError::NotUtf8)
    }
}

/// The offset of the first `%` not followed by two hex digits.
fn bad_escape(raw: &str) -> Option<usize> {
    let bytes = raw.as_bytes();
    bytes.iter().enumerate().position(|(i, byte)| {
        *byte == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    })
}
