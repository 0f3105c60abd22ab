//! How what a sync learns about a contact is merged into what is stored.
//!
//! Sync fills and refreshes fields, but never blanks one, and never touches a field the user
//! edited in the web UI (name, title, company, location, notes).

use ping_core::model::{Participant, ParticipantId, Profile};

use crate::store::{AvatarSource, ContactKind, ContactUpsert, edited};

/// The columns of a contact that sync may write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFields {
    pub urn: Option<String>,
    pub public_identifier: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: String,
    pub headline: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub profile_url: Option<String>,
}

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

fn joined_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let name = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

/// A conversation participant as a contact update (organisations become non-person contacts).
pub fn from_participant(participant: &Participant) -> ContactUpsert {
    let (kind, urn) = match &participant.id {
        ParticipantId::Member(urn) => (ContactKind::Person, urn.to_string()),
        ParticipantId::Organization(urn) => (ContactKind::Organization, urn.to_string()),
    };
    let display_name = Some(participant.display_name.clone())
        .filter(|name| !name.trim().is_empty())
        .or_else(|| {
            joined_name(
                participant.first_name.as_deref(),
                participant.last_name.as_deref(),
            )
        });
    ContactUpsert {
        kind,
        urn: Some(urn),
        public_identifier: None,
        first_name: participant.first_name.clone(),
        last_name: participant.last_name.clone(),
        display_name,
        headline: participant.headline.clone(),
        title: None,
        company: None,
        location: None,
        profile_url: participant.profile_url.clone(),
        avatar: participant.picture.as_ref().and_then(avatar_source),
    }
}

/// A captured or backfilled profile as a contact update.
pub fn from_profile(profile: &Profile) -> ContactUpsert {
    ContactUpsert {
        kind: ContactKind::Person,
        urn: profile.urn.as_ref().map(ToString::to_string),
        public_identifier: profile.public_identifier.as_ref().map(ToString::to_string),
        first_name: profile.first_name.clone(),
        last_name: profile.last_name.clone(),
        display_name: profile
            .full_name
            .clone()
            .or_else(|| joined_name(profile.first_name.as_deref(), profile.last_name.as_deref())),
        headline: profile.headline.clone(),
        title: profile.title.clone(),
        company: profile.company.clone(),
        location: profile.location.clone(),
        profile_url: profile
            .public_identifier
            .as_ref()
            .map(|id| id.profile_url()),
        avatar: profile.picture.as_ref().and_then(avatar_source),
    }
}

/// The size to download: the smallest at least 400 px wide, else the largest.
fn avatar_source(picture: &ping_core::model::Picture) -> Option<AvatarSource> {
    picture.best(400).map(|artifact| AvatarSource {
        url: artifact.url.clone(),
        asset_id: picture.asset_id.clone(),
        expires_at: artifact.expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
