//! What a sync learns about a contact, from a conversation participant or a profile, as a
//! contact update for the store.

use ping_core::model::{Participant, ParticipantId, Picture, Profile};

use crate::store::{AvatarSource, ContactKind, ContactUpsert};

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
        profile_url: participant.profile_url.clone(),
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
