//! How what a sync learns about a contact is merged into what is stored.
//!
//! Sync fills and refreshes fields, but never blanks one, and never touches a field the user
//! edited in the web UI (name, title, company, location, notes).

use super::records::{ContactFields, ContactUpsert, edited};

fn refresh(stored: &mut Option<String>, incoming: &Option<String>, locked: bool) {
    if !locked && let Some(value) = incoming.as_ref().filter(|v| !v.trim().is_empty()) {
        *stored = Some(value.clone());
    }
}

/// `stored` updated with `incoming`, respecting the user's edits (`user_edited` bits).
pub fn merge(stored: &ContactFields, user_edited: i64, incoming: &ContactUpsert) -> ContactFields {
    let locked = |bit: i64| user_edited & bit != 0;
    let mut merged = stored.clone();
    if merged.urn.is_none() {
        merged.urn = incoming.urn.clone();
    }
    refresh(
        &mut merged.public_identifier,
        &incoming.public_identifier,
        false,
    );
    refresh(
        &mut merged.first_name,
        &incoming.first_name,
        locked(edited::NAME),
    );
    refresh(
        &mut merged.last_name,
        &incoming.last_name,
        locked(edited::NAME),
    );
    if !locked(edited::NAME)
        && let Some(name) = incoming
            .display_name
            .as_ref()
            .filter(|n| !n.trim().is_empty())
    {
        merged.display_name = name.clone();
    }
    refresh(&mut merged.headline, &incoming.headline, false);
    refresh(&mut merged.title, &incoming.title, locked(edited::TITLE));
    refresh(
        &mut merged.company,
        &incoming.company,
        locked(edited::COMPANY),
    );
    refresh(
        &mut merged.location,
        &incoming.location,
        locked(edited::LOCATION),
    );
    refresh(&mut merged.profile_url, &incoming.profile_url, false);
    merged
}

/// The fields of a contact seen for the first time.
pub fn new_fields(incoming: &ContactUpsert) -> ContactFields {
    let fallback = incoming
        .public_identifier
        .clone()
        .unwrap_or_else(|| "Unknown".to_owned());
    let empty = ContactFields {
        display_name: fallback,
        ..ContactFields::default()
    };
    merge(&empty, 0, incoming)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ContactKind;

    fn upsert() -> ContactUpsert {
        ContactUpsert {
            kind: ContactKind::Person,
            urn: Some("urn:li:fsd_profile:ACoAAPeer0000".into()),
            public_identifier: Some("zoe-example".into()),
            first_name: Some("Zoe".into()),
            last_name: Some("Example".into()),
            display_name: Some("Zoe Example".into()),
            headline: Some("CTO at Acme".into()),
            title: Some("CTO".into()),
            company: Some("Acme".into()),
            location: Some("Berlin".into()),
            profile_url: None,
            avatar: None,
        }
    }

    #[test]
    fn sync_fills_empty_fields_and_never_blanks_known_ones() {
        let stored = new_fields(&upsert());
        let sparse = ContactUpsert {
            title: None,
            company: Some(String::new()),
            ..upsert()
        };
        let merged = merge(&stored, 0, &sparse);
        assert_eq!(merged.title.as_deref(), Some("CTO"));
        assert_eq!(merged.company.as_deref(), Some("Acme"));
    }

    #[test]
    fn fields_the_user_edited_are_never_overwritten() {
        let mut stored = new_fields(&upsert());
        stored.display_name = "Zoë (met at RustConf)".into();
        stored.title = Some("Chief Tinkerer".into());
        let incoming = ContactUpsert {
            title: Some("VP Engineering".into()),
            company: Some("Globex".into()),
            ..upsert()
        };
        let merged = merge(&stored, edited::NAME | edited::TITLE, &incoming);
        assert_eq!(merged.display_name, "Zoë (met at RustConf)");
        assert_eq!(merged.title.as_deref(), Some("Chief Tinkerer"));
        assert_eq!(merged.company.as_deref(), Some("Globex"));
    }

    #[test]
    fn a_known_urn_is_kept_and_a_public_identifier_is_added() {
        let stored = ContactFields {
            urn: Some("urn:li:fsd_profile:ACoAAPeer0000".into()),
            display_name: "Zoe".into(),
            ..ContactFields::default()
        };
        let merged = merge(&stored, 0, &upsert());
        assert_eq!(merged.public_identifier.as_deref(), Some("zoe-example"));
        assert_eq!(merged.urn, stored.urn);
    }
}
