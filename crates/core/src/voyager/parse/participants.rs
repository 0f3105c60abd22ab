//! `MessagingParticipant` objects (voyager-api.md §5.3): members and organisations, in full or
//! in the brief form (URNs only) that message senders may take.

use serde_json::Value;

use super::json::label;
use crate::entity::json::{present, string};
use crate::entity::vector_image;
use crate::ids::{CompanyUrn, ProfileUrn};
use crate::model::{Participant, ParticipantId};

/// What LinkedIn itself shows for a member whose name it does not give. (An organisation in
/// brief form, without its `participantType`, keeps an empty display name.)
const UNNAMED_MEMBER: &str = "LinkedIn Member";

/// Who a participant is, from `hostIdentityUrn` (`urn:li:fsd_profile:…` or
/// `urn:li:fsd_company:…`), else from the participant `entityUrn` that wraps it.
pub(super) fn participant_id(participant: &Value) -> Option<ParticipantId> {
    ["hostIdentityUrn", "entityUrn"]
        .into_iter()
        .filter_map(|key| participant.get(key)?.as_str())
        .find_map(|urn| {
            ProfileUrn::parse(urn)
                .map(ParticipantId::Member)
                .or_else(|_| CompanyUrn::parse(urn).map(ParticipantId::Organization))
                .ok()
        })
}

/// Reads a participant; the error is the reason to skip it.
pub(super) fn participant(value: &Value) -> Result<Participant, String> {
    let id = participant_id(value)
        .ok_or_else(|| "participant without a member or company URN".to_owned())?;
    let kind = value.get("participantType");
    let member = kind.and_then(|kind| present(kind, "member"));
    let organization = kind.and_then(|kind| present(kind, "organization"));
    if let (ParticipantId::Organization(_), Some(org)) = (&id, organization) {
        return Ok(Participant {
            id,
            is_self: false,
            first_name: None,
            last_name: None,
            display_name: label(org.get("name")).unwrap_or_default(),
            headline: label(org.get("tagline")),
            profile_url: string(org, "pageUrl"),
            distance: None,
            picture: present(org, "logo").and_then(vector_image),
        });
    }
    let member = member.unwrap_or(&Value::Null);
    let first_name = label(member.get("firstName"));
    let last_name = label(member.get("lastName"));
    let full_name = [first_name.as_deref(), last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let distance = string(member, "distance");
    Ok(Participant {
        is_self: distance.as_deref() == Some("SELF"),
        display_name: match (&id, full_name.is_empty()) {
            (ParticipantId::Member(_), true) => UNNAMED_MEMBER.to_owned(),
            _ => full_name,
        },
        first_name,
        last_name,
        headline: label(member.get("headline")),
        profile_url: string(member, "profileUrl"),
        distance,
        picture: present(member, "profilePicture").and_then(vector_image),
        id,
    })
}
