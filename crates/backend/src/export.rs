//! Exports: contacts as vCard 4.0 (RFC 6350) and CSV, conversations as JSON.
//!
//! Every value comes from LinkedIn or the user, so none is written as it is: vCard values are
//! escaped (a line break in a name must not start a property of its own), URLs are written
//! only when they are http(s) URLs, and CSV cells that a spreadsheet would run as a formula
//! are defused.

use std::borrow::Cow;

use url::Url;

use crate::store::{ContactFields, ContactKind, ContactRecord, ConversationView};

/// A vCard text value (RFC 6350 §3.4): backslash, comma and semicolon escaped, every line break
/// (CRLF, LF, or a lone CR, which some readers also end a line at) written as `\n`, and the
/// other control characters, which a value may not hold, dropped.
fn vcard_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_ascii_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A vCard URI value: only an http(s) URL, as the URL parser writes it (no whitespace or
/// control characters), with `,`, `;` and `\` percent-encoded so that no reader splits it.
fn vcard_uri(raw: &str) -> Option<String> {
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let url = Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    Some(
        url.as_str()
            .replace('\\', "%5C")
            .replace(',', "%2C")
            .replace(';', "%3B"),
    )
}

/// Folds a content line longer than 75 octets (RFC 6350 §3.2): CRLF and a space before each
/// further piece, never inside a UTF-8 character.
fn folded(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / LIMIT * 3);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LIMIT {
            out.push_str("\r\n ");
            // The space of the continuation counts towards its line.
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out
}

/// One vCard per contact, CRLF line endings.
pub fn vcards(contacts: &[ContactRecord]) -> String {
    let mut out = String::new();
    for contact in contacts {
        let fields = &contact.fields;
        let text = |value: &Option<String>| vcard_text(value.as_deref().unwrap_or_default());
        let mut lines = vec!["BEGIN:VCARD".to_owned(), "VERSION:4.0".to_owned()];
        lines.push(format!("FN:{}", vcard_text(&fields.display_name)));
        match contact.kind {
            ContactKind::Person => lines.push(format!(
                "N:{};{};;;",
                text(&fields.last_name),
                text(&fields.first_name)
            )),
            ContactKind::Organization => lines.push("KIND:org".to_owned()),
        }
        if fields.title.is_some() {
            lines.push(format!("TITLE:{}", text(&fields.title)));
        }
        if fields.company.is_some() {
            lines.push(format!("ORG:{}", text(&fields.company)));
        }
        if fields.location.is_some() {
            lines.push(format!("ADR;TYPE=work:;;;{};;;", text(&fields.location)));
        }
        if let Some(url) = linkedin_url(fields).as_deref().and_then(vcard_uri) {
            lines.push(format!("URL;TYPE=linkedin:{url}"));
        }
        if contact.notes.is_some() {
            lines.push(format!("NOTE:{}", text(&contact.notes)));
        }
        if fields.urn.is_some() {
            lines.push(format!("X-LINKEDIN-URN:{}", text(&fields.urn)));
        }
        lines.push("END:VCARD".to_owned());
        for line in lines {
            out.push_str(&folded(&line));
            out.push_str("\r\n");
        }
    }
    out
}

fn linkedin_url(fields: &ContactFields) -> Option<String> {
    fields
        .public_identifier
        .as_ref()
        .map(|slug| format!("https://www.linkedin.com/in/{slug}/"))
        .or_else(|| fields.profile_url.clone())
}

/// The CSV header row.
pub const CSV_HEADER: &str =
    "name,first_name,last_name,title,company,location,headline,linkedin_url,linkedin_urn,notes";

/// What a spreadsheet takes for the start of a formula (OWASP's CSV injection list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet shows as text: one that would start a formula gets a leading `'`.
fn defused(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Contacts as CSV (RFC 4180: quoted where needed, CRLF rows), formulas defused.
pub fn csv(contacts: &[ContactRecord]) -> Result<String, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(CSV_HEADER.split(','))?;
    for contact in contacts {
        let fields = &contact.fields;
        let url = linkedin_url(fields);
        let columns = [
            Some(fields.display_name.as_str()),
            fields.first_name.as_deref(),
            fields.last_name.as_deref(),
            fields.title.as_deref(),
            fields.company.as_deref(),
            fields.location.as_deref(),
            fields.headline.as_deref(),
            url.as_deref(),
            fields.urn.as_deref(),
            contact.notes.as_deref(),
        ];
        writer
            .write_record(columns.map(|field| defused(field.unwrap_or_default()).into_owned()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))?;
    // Every cell was a `str`, so the bytes are UTF-8.
    String::from_utf8(bytes)
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error).into())
}

/// Conversations with their participants and messages, as pretty JSON.
pub fn conversations_json(conversations: &[ConversationView]) -> String {
    serde_json::to_string_pretty(&serde_json::json!({ "conversations": conversations }))
        .unwrap_or_else(|_| "{\"conversations\":[]}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ContactId;

    fn contact() -> ContactRecord {
        ContactRecord {
            id: ContactId(1),
            kind: ContactKind::Person,
            fields: ContactFields {
                urn: Some("urn:li:fsd_profile:ACoAAPeer0000".into()),
                public_identifier: Some("zoe-example".into()),
                first_name: Some("Zoe".into()),
                last_name: Some("Example".into()),
                display_name: "Zoe Example".into(),
                headline: None,
                title: Some("CTO, Founder".into()),
                company: Some("Acme; Inc".into()),
                location: None,
                profile_url: None,
            },
            notes: Some("met at\nRustConf".into()),
            avatar_hash: None,
            avatar_url: None,
            user_edited: 0,
        }
    }

    #[test]
    fn vcards_are_version_4_with_escaped_values() {
        let card = vcards(&[contact()]);
        assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoe Example\r\n"));
        assert!(card.contains("N:Example;Zoe;;;\r\n"));
        assert!(card.contains("TITLE:CTO\\, Founder\r\n"));
        assert!(card.contains("ORG:Acme\\; Inc\r\n"));
        assert!(card.contains("NOTE:met at\\nRustConf\r\n"));
        assert!(card.ends_with("END:VCARD\r\n"));
    }

    #[test]
    fn csv_quotes_fields_and_defuses_formulas() {
        let mut risky = contact();
        risky.fields.display_name = "=HYPERLINK(\"x\")".into();
        let out = csv(&[risky]).unwrap();
        let row = out.lines().nth(1).unwrap();
        assert!(row.starts_with("\"'=HYPERLINK(\"\"x\"\")\""), "{row}");
        assert!(row.contains("\"CTO, Founder\""));
    }

    #[test]
    fn cells_starting_with_a_tab_or_a_carriage_return_are_defused_too() {
        for start in ["\t=1+1", "\r=1+1", "+1", "-1", "@SUM(A1)"] {
            let mut risky = contact();
            risky.fields.company = Some(start.into());
            let out = csv(&[risky]).unwrap();
            let mut reader = csv::Reader::from_reader(out.as_bytes());
            let row = reader.records().next().unwrap().unwrap();
            assert_eq!(&row[4], format!("'{start}"), "{start:?}");
        }
    }

    #[test]
    fn a_line_break_in_any_value_cannot_start_a_property_of_its_own() {
        let mut planted = contact();
        planted.fields.display_name = "Zoe\rEMAIL:evil@example.com".into();
        planted.fields.title = Some("CTO\r\nNOTE:planted".into());
        planted.fields.public_identifier = None;
        planted.fields.profile_url =
            Some("https://www.linkedin.com/in/zoe\r\nEMAIL:evil@example.com".into());
        let card = vcards(&[planted]);
        let starts: Vec<&str> = card
            .split(['\r', '\n'])
            .filter(|line| !line.is_empty())
            .map(|line| line.split([':', ';']).next().unwrap())
            .collect();
        assert_eq!(
            starts,
            [
                "BEGIN",
                "VERSION",
                "FN",
                "N",
                "TITLE",
                "ORG",
                "NOTE",
                "X-LINKEDIN-URN",
                "END"
            ],
            "{card}"
        );
        assert!(card.contains("FN:Zoe\\nEMAIL:evil@example.com\r\n"));
    }

    #[test]
    fn only_http_urls_are_written_and_long_lines_are_folded() {
        let mut linked = contact();
        linked.fields.public_identifier = None;
        linked.fields.profile_url = Some("javascript:alert(1)".into());
        assert!(!vcards(&[linked.clone()]).contains("URL"));
        linked.fields.profile_url = Some("https://www.linkedin.com/in/a,b;c/".into());
        assert!(
            vcards(&[linked.clone()])
                .contains("URL;TYPE=linkedin:https://www.linkedin.com/in/a%2Cb%3Bc/\r\n")
        );
        linked.notes = Some("é".repeat(100));
        let card = vcards(&[linked]);
        assert!(card.lines().all(|line| line.len() <= 75), "{card}");
        assert!(card.contains("\r\n é"), "continuations start with a space");
    }
}
