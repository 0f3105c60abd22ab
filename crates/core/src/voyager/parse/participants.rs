//! `MessagingParticipant` objects (voyager-api.md §5.3): members and organisations, in full or
//! in the brief form (URNs only) that message senders may take.

use ping_voyager_records::lenient::Str;
use ping_voyager_records::messaging::{MemberRecord, ParticipantRecord};

use super::json::text_label;
use crate::entity::picture;
use crate::ids::{CompanyUrn, ProfileUrn};
use crate::model::{Participant, ParticipantId};

/// What LinkedIn itself shows for a member whose name it does not give. (An organisation in
/// brief form, without its `participantType`, keeps an empty display name.)
const UNNAMED_MEMBER: &str = "LinkedIn Member";

/// Who a participant is, from `hostIdentityUrn` (`urn:li:fsd_profile:…` or
/// `urn:li:fsd_company:…`), else from the participant `entityUrn` that wraps it.
pub(super) fn participant_id(
    host_identity_urn: &Str<'_>,
    entity_urn: &Str<'_>,
) -> Option<ParticipantId> {
    [host_identity_urn, entity_urn]
        .into_iter()
        .filter_map(|urn| urn.as_str())
        .find_map(|urn| {
            ProfileUrn::parse(urn)
                .map(ParticipantId::Member)
                .or_else(|_| CompanyUrn::parse(urn).map(ParticipantId::Organization))
                .ok()
        })
}

/// Reads a participant; the error is the reason to skip it.
pub(super) fn participant(value: &ParticipantRecord<'_>) -> Result<Participant, String> {
    let id = participant_id(&value.host_identity_urn, &value.entity_urn)
        .ok_or_else(|| "participant without a member or company URN".to_owned())?;
    let kind = value.participant_type.0.as_ref();
    let organization = kind.and_then(|kind| kind.organization.as_ref());
    if let (ParticipantId::Organization(_), Some(org)) = (&id, organization) {
        let org = org.0.as_ref();
        return Ok(Participant {
            id,
            is_self: false,
            first_name: None,
            last_name: None,
            display_name: org
                .and_then(|org| text_label(&org.name))
                .unwrap_or_default(),
            headline: org.and_then(|org| text_label(&org.tagline)),
            profile_url: org.and_then(|org| org.page_url.non_empty()),
            distance: None,
            picture: org.and_then(|org| picture(org.logo.0.as_ref()?)),
        });
    }
    let unknown = MemberRecord::default();
    let member = kind
        .and_then(|kind| kind.member.0.as_ref())
        .unwrap_or(&unknown);
    let first_name = text_label(&member.first_name);
    let last_name = text_label(&member.last_name);
    let full_name = [first_name.as_deref(), last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let distance = member.distance.non_empty();
    Ok(Participant {
        is_self: distance.as_deref() == Some("SELF"),
        display_name: match (&id, full_name.is_empty()) {
            (ParticipantId::Member(_), true) => UNNAMED_MEMBER.to_owned(),
            _ => full_name,
        },
        first_name,
        last_name,
        headline: text_label(&member.headline),
        profile_url: member.profile_url.non_empty(),
        distance,
        picture: member.profile_picture.0.as_ref().and_then(picture),
        id,
    })
}
