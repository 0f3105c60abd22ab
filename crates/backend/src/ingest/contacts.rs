//! What a sync learns about a contact, from a conversation participant or a profile, as a
//! contact update for the store.

use ping_core::model::{Participant, ParticipantId, Picture, Profile};
use url::Url;

use crate::store::{AvatarSource, ContactKind, ContactUpsert};

/// A profile URL as it is kept: only `https://www.linkedin.com/…`, without credentials, port,
/// whitespace or control characters. Anything else (a `javascript:` URL, another host, a
/// planted line break) is dropped, so no page or export ever carries it.
fn linkedin_profile_url(raw: &str) -> Option<String> {
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let url = Url::parse(raw).ok()?;
    let linkedin = url.scheme() == "https"
        && url.host_str() == Some("www.linkedin.com")
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    linkedin.then(|| url.to_string())
}

/// `fresh` with the gaps it leaves filled from `older`: two sightings of one person in a batch.
pub(super) fn combined(fresh: ContactUpsert, older: ContactUpsert) -> ContactUpsert {
    fn known(value: Option<String>) -> Option<String> {
        value.filter(|value| !value.trim().is_empty())
    }
    let or = |fresh: Option<String>, older: Option<String>| known(fresh).or_else(|| known(older));
    ContactUpsert {
        kind: fresh.kind,
        urn: or(fresh.urn, older.urn),
        public_identifier: or(fresh.public_identifier, older.public_identifier),
        first_name: or(fresh.first_name, older.first_name),
        last_name: or(fresh.last_name, older.last_name),
        display_name: or(fresh.display_name, older.display_name),
        headline: or(fresh.headline, older.headline),
        title: or(fresh.title, older.title),
        company: or(fresh.company, older.company),
        location: or(fresh.location, older.location),
        profile_url: or(fresh.profile_url, older.profile_url),
        avatar: fresh.avatar.or(older.avatar),
    }
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
pub(super) fn from_participant(participant: &Participant) -> ContactUpsert {
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
        profile_url: participant
            .profile_url
            .as_deref()
            .and_then(linkedin_profile_url),
        avatar: participant.picture.as_ref().and_then(avatar_source),
    }
}

/// A captured or backfilled profile as a contact update.
pub(super) fn from_profile(profile: &Profile) -> ContactUpsert {
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
fn avatar_source(picture: &Picture) -> Option<AvatarSource> {
    picture.best(400).map(|artifact| AvatarSource {
        url: artifact.url.clone(),
        asset_id: picture.asset_id.clone(),
        expires_at: artifact.expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_www_linkedin_com_profile_urls_are_kept() {
        for good in [
            "https://www.linkedin.com/in/zoe-example",
            "https://www.linkedin.com/in/ACoAAPeer/",
        ] {
            assert_eq!(linkedin_profile_url(good).as_deref(), Some(good));
        }
        for bad in [
            "javascript:alert(1)",
            "http://www.linkedin.com/in/zoe",
            "https://linkedin.com.evil.example/in/zoe",
            "https://evil.example/?https://www.linkedin.com/in/zoe",
            "https://user@www.linkedin.com/in/zoe",
            "https://www.linkedin.com:8443/in/zoe",
            "https://www.linkedin.com/in/zoe\r\nEMAIL:evil@example.com",
            "https://www.linkedin.com/in/zoe\rNOTE:x",
            "/in/zoe",
        ] {
            assert_eq!(linkedin_profile_url(bad), None, "{bad:?}");
        }
    }

    fn sighting(headline: Option<&str>, title: Option<&str>) -> ContactUpsert {
        ContactUpsert {
            kind: ContactKind::Person,
            urn: Some("urn:li:fsd_profile:ACoAAPeer0000".into()),
            public_identifier: None,
            first_name: Some("Zoe".into()),
            last_name: None,
            display_name: Some("Zoe Example".into()),
            headline: headline.map(str::to_owned),
            title: title.map(str::to_owned),
            company: None,
            location: None,
            profile_url: None,
            avatar: None,
        }
    }

    #[test]
    fn the_fresh_sighting_wins_and_the_older_one_fills_its_gaps() {
        let merged = combined(
            sighting(Some("CTO at Globex"), None),
            ContactUpsert {
                last_name: Some("Example".into()),
                ..sighting(Some("CTO at Acme"), Some("CTO"))
            },
        );
        assert_eq!(merged.headline.as_deref(), Some("CTO at Globex"));
        assert_eq!(merged.title.as_deref(), Some("CTO"));
        assert_eq!(merged.last_name.as_deref(), Some("Example"));
        let blank = ContactUpsert {
            headline: Some("  ".into()),
            ..sighting(None, None)
        };
        let merged = combined(blank, sighting(Some("CTO at Acme"), None));
        assert_eq!(
            merged.headline.as_deref(),
            Some("CTO at Acme"),
            "blank is unknown"
        );
    }
}
