//! Exports read back by a reader: every value a contact can hold comes back from the vCard and
//! the CSV as it went in, and none can add a property or a formula of its own.

use ping_backend::export;
use ping_backend::ids::ContactId;
use ping_backend::store::{ContactFields, ContactKind, ContactRecord};
use proptest::prelude::*;
use url::Url;

/// One content line of a vCard: the property name and its value's components, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Property {
    name: String,
    components: Vec<String>,
}

/// The properties whose value has `;`-separated components (RFC 6350 §6.2.2, 6.3.1, 6.6.4).
const STRUCTURED: [&str; 3] = ["N", "ADR", "ORG"];

/// A small vCard reader after RFC 6350 §3.2–3.4, lenient about line ends the way a careless
/// reader is: a CR or an LF alone also ends a content line, so a planted line break shows as a
/// property of its own. A line starting with a space or a tab continues the one before.
fn read_vcards(text: &str) -> Vec<Vec<Property>> {
    let mut logical: Vec<String> = Vec::new();
    for physical in text.replace("\r\n", "\n").split(['\r', '\n']) {
        match physical.strip_prefix([' ', '\t']) {
            Some(rest) if !logical.is_empty() => logical.last_mut().unwrap().push_str(rest),
            _ if physical.is_empty() => {}
            _ => logical.push(physical.to_owned()),
        }
    }
    let mut cards = Vec::new();
    let mut card = Vec::new();
    for line in logical {
        let (head, value) = line.split_once(':').expect("a content line has a colon");
        let name = head.split(';').next().unwrap().to_ascii_uppercase();
        let components = if STRUCTURED.contains(&name.as_str()) {
            split_unescaped(value).iter().map(|c| unescape(c)).collect()
        } else if name == "URL" {
            vec![value.to_owned()]
        } else {
            vec![unescape(value)]
        };
        let end = name == "END";
        card.push(Property { name, components });
        if end {
            cards.push(std::mem::take(&mut card));
        }
    }
    assert!(card.is_empty(), "a card without END: {card:?}");
    cards
}

/// Splits at every `;` that no backslash escapes.
fn split_unescaped(value: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let part = parts.last_mut().unwrap();
                part.push('\\');
                part.extend(chars.next());
            }
            ';' => parts.push(String::new()),
            c => parts.last_mut().unwrap().push(c),
        }
    }
    parts
}

/// `\\`, `\,`, `\;` and `\n` (or `\N`) back to what they stand for.
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => panic!("a value ends in a lone backslash: {value:?}"),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// What a text value becomes in a vCard: every line break a newline, other control characters
/// (which a vCard value may not hold) gone.
fn as_vcard_text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_ascii_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// Text biased towards what breaks formats: line breaks, escapes, separators, formula starts.
fn risky_text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '\r', '\n', '\t', '\\', ';', ',', ':', '"', '=', '+', '-', '@', '\0', 'é', '😀',
    ]);
    prop::collection::vec(prop_oneof![special, any::<char>()], 0..30)
        .prop_map(|chars| chars.into_iter().collect())
}

fn optional_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(risky_text())
}

fn contact() -> impl Strategy<Value = ContactRecord> {
    let people = prop_oneof![Just(ContactKind::Person), Just(ContactKind::Organization)];
    let url = prop::option::of(prop_oneof![
        risky_text(),
        risky_text().prop_map(|tail| format!("https://www.linkedin.com/in/{tail}")),
    ]);
    (
        people,
        risky_text(),
        [optional_text(), optional_text(), optional_text()],
        [optional_text(), optional_text(), optional_text()],
        url,
        optional_text(),
    )
        .prop_map(
            |(
                kind,
                display_name,
                [first_name, last_name, title],
                [company, location, urn],
                profile_url,
                notes,
            )| {
                ContactRecord {
                    id: ContactId(1),
                    kind,
                    fields: ContactFields {
                        urn,
                        public_identifier: None,
                        first_name,
                        last_name,
                        display_name,
                        headline: None,
                        title,
                        company,
                        location,
                        profile_url,
                    },
                    notes,
                    avatar_hash: None,
                    avatar_url: None,
                    user_edited: 0,
                }
            },
        )
}

/// The properties a contact's card must have, in order, with their read-back values.
fn expected_card(contact: &ContactRecord) -> Vec<Property> {
    let fields = &contact.fields;
    let property = |name: &str, components: Vec<String>| Property {
        name: name.to_owned(),
        components,
    };
    let text = |value: &Option<String>| as_vcard_text(value.as_deref().unwrap_or_default());
    let mut card = vec![
        property("BEGIN", vec!["VCARD".into()]),
        property("VERSION", vec!["4.0".into()]),
        property("FN", vec![as_vcard_text(&fields.display_name)]),
    ];
    match contact.kind {
        ContactKind::Person => card.push(property(
            "N",
            vec![
                text(&fields.last_name),
                text(&fields.first_name),
                String::new(),
                String::new(),
                String::new(),
            ],
        )),
        ContactKind::Organization => card.push(property("KIND", vec!["org".into()])),
    }
    if fields.title.is_some() {
        card.push(property("TITLE", vec![text(&fields.title)]));
    }
    if fields.company.is_some() {
        card.push(property("ORG", vec![text(&fields.company)]));
    }
    if fields.location.is_some() {
        let mut address = vec![String::new(); 7];
        address[3] = text(&fields.location);
        card.push(property("ADR", address));
    }
    // The URL is checked apart: it is written only when it is an http(s) URL.
    if contact.notes.is_some() {
        card.push(property("NOTE", vec![text(&contact.notes)]));
    }
    if fields.urn.is_some() {
        card.push(property("X-LINKEDIN-URN", vec![text(&fields.urn)]));
    }
    card.push(property("END", vec!["VCARD".into()]));
    card
}

proptest! {
    #[test]
    fn every_vcard_value_reads_back_as_written_and_adds_no_property(
        contacts in prop::collection::vec(contact(), 1..4)
    ) {
        let text = export::vcards(&contacts);
        for line in text.split("\r\n") {
            prop_assert!(line.len() <= 75, "a line longer than 75 octets: {line:?}");
            prop_assert!(!line.contains(['\r', '\n']), "a bare line break: {line:?}");
        }
        let cards = read_vcards(&text);
        prop_assert_eq!(cards.len(), contacts.len());
        for (card, contact) in cards.into_iter().zip(&contacts) {
            let (urls, rest): (Vec<Property>, Vec<Property>) =
                card.into_iter().partition(|property| property.name == "URL");
            prop_assert_eq!(rest, expected_card(contact));
            prop_assert!(urls.len() <= 1);
            for url in urls {
                let parsed = Url::parse(&url.components[0]);
                prop_assert!(
                    parsed.is_ok_and(|url| matches!(url.scheme(), "http" | "https")),
                    "{:?}", url
                );
            }
        }
    }

    #[test]
    fn every_csv_cell_reads_back_as_written_unless_it_would_be_a_formula(
        contacts in prop::collection::vec(contact(), 1..4)
    ) {
        let text = export::csv(&contacts).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        prop_assert_eq!(rows.len(), contacts.len());
        for (row, contact) in rows.iter().zip(&contacts) {
            let fields = &contact.fields;
            let columns = [
                (0, Some(&fields.display_name)),
                (3, fields.title.as_ref()),
                (4, fields.company.as_ref()),
                (5, fields.location.as_ref()),
                (9, contact.notes.as_ref()),
            ];
            for (column, value) in columns {
                let value = value.map(String::as_str).unwrap_or_default();
                let cell = &row[column];
                if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    prop_assert_eq!(cell, format!("'{value}"));
                } else {
                    prop_assert_eq!(cell, value);
                }
            }
        }
    }
}

#[test]
fn the_reader_sees_a_planted_line_break() {
    // The reader itself must catch what the export guards against, or the property proves
    // nothing: a raw CR in a value is a new property to it.
    let cards = read_vcards("BEGIN:VCARD\r\nFN:Zoe\rEMAIL:x@evil.example\r\nEND:VCARD\r\n");
    let names: Vec<&str> = cards[0].iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["BEGIN", "FN", "EMAIL", "END"]);
}
