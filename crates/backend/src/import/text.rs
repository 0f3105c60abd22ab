//! Text as the export writes it: field decoding (UTF-8, or Windows-1252 after an Excel
//! re-save), names mis-encoded by an earlier reader (`Ã©` for `é`), dates.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Windows-1252's characters for the bytes 0x80–0x9F (`None`: unassigned, read as the C1
/// control of the same number).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

fn cp1252_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => CP1252_HIGH[usize::from(byte - 0x80)].unwrap_or(char::from(byte)),
        _ => char::from(byte),
    }
}

fn cp1252_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        0..=0x7F | 0xA0..=0xFF => u8::try_from(u32::from(c)).ok(),
        0x80..=0x9F => u8::try_from(u32::from(c)).ok(),
        _ => CP1252_HIGH
            .iter()
            .position(|high| *high == Some(c))
            .and_then(|i| u8::try_from(i + 0x80).ok()),
    }
}

/// A field's bytes as text: UTF-8 when they are, else Windows-1252 (what Excel writes).
pub fn decode_field(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().map(|b| cp1252_char(*b)).collect()),
    }
}

/// Undoes UTF-8 that was read as Windows-1252 (`JosÃ©` → `José`, `â€™` → `’`). Text that does
/// not turn into valid UTF-8 that way is left as it is, so real Latin text is never touched.
pub fn fix_mojibake(text: &str) -> Cow<'_, str> {
    let suspicious = text
        .chars()
        .any(|c| matches!(c, 'Ã' | 'Â' | 'â' | 'Å' | 'Ä' | 'Ð' | 'Ñ' | 'Ø' | 'Ù' | 'Ú'));
    if !suspicious {
        return Cow::Borrowed(text);
    }
    let bytes: Option<Vec<u8>> = text.chars().map(cp1252_byte).collect();
    match bytes.map(String::from_utf8) {
        Some(Ok(fixed)) if fixed.chars().count() < text.chars().count() => Cow::Owned(fixed),
        _ => Cow::Borrowed(text),
    }
}

/// A field cleaned for storing: decoded, mojibake undone, trimmed; `None` when empty.
pub fn clean(bytes: &[u8]) -> Option<String> {
    let decoded = decode_field(bytes);
    let fixed = fix_mojibake(&decoded);
    let trimmed = fixed.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// `DATE` of messages.csv: `2025-03-04 16:02:09 UTC` (and the same without the zone, or in
/// RFC 3339), always UTC.
pub fn message_date(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
        return Some(time.with_timezone(&Utc));
    }
    let bare = raw.strip_suffix("UTC").unwrap_or(raw).trim();
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(bare, format).ok())
        .map(|time| time.and_utc())
}

/// `Connected On` of Connections.csv: `04 Mar 2025` (midnight UTC); other forms are ignored.
pub fn connected_on(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    ["%d %b %Y", "%Y-%m-%d", "%m/%d/%y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(raw, format).ok())
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mis_encoded_names_are_repaired_and_real_ones_kept() {
        assert_eq!(fix_mojibake("JosÃ© NÃºÃ±ez"), "José Núñez");
        assert_eq!(fix_mojibake("Itâ€™s"), "It’s");
        assert_eq!(fix_mojibake("SÃ¸ren Ã˜stergaard"), "Søren Østergaard");
        for real in ["Ärger", "São Paulo", "Ñandú", "Ångström", "plain"] {
            assert_eq!(fix_mojibake(real), real);
        }
    }

    #[test]
    fn windows_1252_fields_are_decoded() {
        assert_eq!(decode_field(b"Caf\xe9 \x93quoted\x94"), "Café “quoted”");
        assert_eq!(decode_field("Zoë".as_bytes()), "Zoë");
    }

    #[test]
    fn dates_of_every_era_parse() {
        let expected = DateTime::parse_from_rfc3339("2025-03-04T16:02:09Z").unwrap();
        assert_eq!(
            message_date("2025-03-04 16:02:09 UTC"),
            Some(expected.into())
        );
        assert_eq!(message_date("2025-03-04 16:02:09"), Some(expected.into()));
        assert_eq!(message_date("yesterday"), None);
        assert!(connected_on("19 Nov 2019").is_some());
        assert!(connected_on("").is_none());
    }
}
