//! Exports: contacts as vCard 4.0 (RFC 6350) and CSV, conversations as JSON.

use crate::store::{ContactFields, ContactKind, ContactRecord, ConversationView};

/// Escapes a vCard text value (backslash, comma, semicolon, newline).
fn vcard_text(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// One vCard per contact, CRLF line endings.
pub fn vcards(contacts: &[ContactRecord]) -> String {
    let mut out = String::new();
    for contact in contacts {
        let fields = &contact.fields;
        let mut lines = vec!["BEGIN:VCARD".to_owned(), "VERSION:4.0".to_owned()];
        lines.push(format!("FN:{}", vcard_text(&fields.display_name)));
        match contact.kind {
            ContactKind::Person => lines.push(format!(
                "N:{};{};;;",
                vcard_text(fields.last_name.as_deref().unwrap_or_default()),
                vcard_text(fields.first_name.as_deref().unwrap_or_default()),
            )),
            ContactKind::Organization => lines.push("KIND:org".to_owned()),
        }
        if let Some(title) = &fields.title {
            lines.push(format!("TITLE:{}", vcard_text(title)));
        }
        if let Some(company) = &fields.company {
            lines.push(format!("ORG:{}", vcard_text(company)));
        }
        if let Some(location) = &fields.location {
            lines.push(format!("ADR;TYPE=work:;;;{};;;", vcard_text(location)));
        }
        if let Some(url) = linkedin_url(fields) {
            lines.push(format!("URL;TYPE=linkedin:{url}"));
        }
        if let Some(notes) = &contact.notes {
            lines.push(format!("NOTE:{}", vcard_text(notes)));
        }
        if let Some(urn) = &fields.urn {
            lines.push(format!("X-LINKEDIN-URN:{}", vcard_text(urn)));
        }
        lines.push("END:VCARD".to_owned());
        for line in lines {
            out.push_str(&line);
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

fn csv_field(value: &str) -> String {
    // A leading =, +, - or @ would be a formula in a spreadsheet.
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Contacts as CSV (RFC 4180, CRLF rows).
pub fn csv(contacts: &[ContactRecord]) -> String {
    let mut out = format!("{CSV_HEADER}\r\n");
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
        let row: Vec<String> = columns
            .iter()
            .map(|field| csv_field(field.unwrap_or_default()))
            .collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
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
        let out = csv(&[risky]);
        let row = out.lines().nth(1).unwrap();
        assert!(row.starts_with("\"'=HYPERLINK(\"\"x\"\")\""), "{row}");
        assert!(row.contains("\"CTO, Founder\""));
    }
}
