//! A strict reader of Rest.li 2.0 tuples as found in `variables=`: `(k:v,k:List(a,b),k:(…))`.
//!
//! Written independently of `ping_core` on purpose (the fake checks the client's encoder).
//! Reserved characters `( ) , :` must be percent-encoded inside keys and scalar values; a raw
//! one in a value (e.g. an unencoded URN) is a syntax error, which the fake answers with 400.

use percent_encoding::percent_decode_str;

/// A decoded Rest.li value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Scalar(String),
    List(Vec<Value>),
    Tuple(Vec<(String, Value)>),
}

impl Value {
    /// The value under `key` of a tuple.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Self::Tuple(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar under `key`.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Self::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// A scalar under `key` read as an integer.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.text(key)?.parse().ok()
    }

    /// The keys of a tuple, sorted.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = match self {
            Self::Tuple(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
            _ => Vec::new(),
        };
        keys.sort_unstable();
        keys
    }
}

struct Parser<'a> {
    text: &'a [u8],
    raw: &'a str,
    pos: usize,
}

/// Parses a whole `variables` value; it must be one tuple.
pub fn parse(raw: &str) -> Result<Value, String> {
    let mut parser = Parser {
        text: raw.as_bytes(),
        raw,
        pos: 0,
    };
    if parser.peek() != Some(b'(') {
        return Err("variables must be a Rest.li tuple".to_owned());
    }
    let value = parser.value()?;
    if parser.pos != parser.text.len() {
        return Err(format!("unexpected text at byte {}", parser.pos));
    }
    Ok(value)
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!(
                "expected '{}' at byte {}",
                char::from(byte),
                self.pos
            ))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        if self.peek() == Some(b'(') {
            return self.tuple();
        }
        if self.text[self.pos..].starts_with(b"List(") {
            self.pos += 4;
            return self.list();
        }
        let text = self.scalar()?;
        if matches!(self.peek(), Some(b'(' | b':')) {
            return Err(format!(
                "raw '(' or ':' inside a value at byte {}",
                self.pos
            ));
        }
        Ok(Value::Scalar(text))
    }

    fn tuple(&mut self) -> Result<Value, String> {
        self.expect(b'(')?;
        let mut entries = Vec::new();
        if self.peek() == Some(b')') {
            self.pos += 1;
            return Ok(Value::Tuple(entries));
        }
        loop {
            let key = self.scalar()?;
            if key.is_empty() {
                return Err(format!("empty key at byte {}", self.pos));
            }
            self.expect(b':')?;
            entries.push((key, self.value()?));
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    return Ok(Value::Tuple(entries));
                }
                _ => return Err(format!("expected ',' or ')' at byte {}", self.pos)),
            }
        }
    }

    fn list(&mut self) -> Result<Value, String> {
        self.expect(b'(')?;
        let mut items = Vec::new();
        if self.peek() == Some(b')') {
            self.pos += 1;
            return Ok(Value::List(items));
        }
        loop {
            items.push(self.value()?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    return Ok(Value::List(items));
                }
                _ => return Err(format!("expected ',' or ')' at byte {}", self.pos)),
            }
        }
    }

    fn scalar(&mut self) -> Result<String, String> {
        let start = self.pos;
        while let Some(byte) = self.peek() {
            if matches!(byte, b'(' | b')' | b',' | b':') {
                break;
            }
            self.pos += 1;
        }
        let raw = &self.raw[start..self.pos];
        let decoded = percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| "a value is not UTF-8 once percent-decoded".to_owned())?;
        Ok(if decoded == "''" {
            String::new()
        } else {
            decoded.into_owned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_tuples_lists_and_encoded_urns_are_read() {
        let raw = "(query:(predicateUnions:List((conversationCategoryPredicate:(category:PRIMARY_INBOX)))),count:20,mailboxUrn:urn%3Ali%3Afsd_profile%3AACoA,lastUpdatedBefore:17)";
        let value = parse(raw).unwrap();
        assert_eq!(
            value.keys(),
            ["count", "lastUpdatedBefore", "mailboxUrn", "query"]
        );
        assert_eq!(value.text("mailboxUrn"), Some("urn:li:fsd_profile:ACoA"));
        assert_eq!(value.int("count"), Some(20));
    }

    #[test]
    fn a_raw_parenthesis_or_colon_inside_a_urn_is_refused() {
        assert!(parse("(conversationUrn:urn%3Ali%3Amsg_conversation%3A(urn%3Ax%2C2-a))").is_err());
        assert!(parse("(mailboxUrn:urn:li:fsd_profile:ACoA)").is_err());
        assert!(parse("%28mailboxUrn%3Ax%29").is_err());
    }
}
