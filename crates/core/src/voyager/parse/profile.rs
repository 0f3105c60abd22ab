//! Dash profiles, `GET /voyager/api/identity/dash/profiles?q=memberIdentity…` (voyager-api.md
//! §7.2, §7.4): plain `{"elements": [Profile]}` or normalized `{"data": {"*elements"}, "included"}`.

use serde_json::Value;

use super::ParseError;
use crate::entity::{Included, read_dash_profile, with_headline_position};
use crate::ids::ProfileUrn;
use crate::model::Profile;
use crate::voyager::MemberIdentity;

/// Reads the profile of `member` (the first profile when none matches it). The entity is read
/// as the profile page reads its embedded copy; a title or company missing there is taken from
/// a `<title> at <company>` headline by the same rule as on the page.
pub(super) fn profile(root: &Value, member: &MemberIdentity) -> Result<Profile, ParseError> {
    let included = Included::of(root);
    let candidates = candidates(root, &included);
    let entity = candidates
        .iter()
        .find(|entity| is_member(entity, member))
        .or_else(|| candidates.first())
        .ok_or_else(|| ParseError::Unreadable {
            what: "profile",
            detail: "no profile in the answer".to_owned(),
        })?;
    Ok(with_headline_position(read_dash_profile(entity, &included)))
}

/// Profiles in answer order: plain `elements`, or `data.*elements` resolved, or any included
/// entity whose `$type` is a dash profile.
fn candidates<'a>(root: &'a Value, included: &Included<'a>) -> Vec<&'a Value> {
    let listed = included.elements(root, "data");
    let plain = root.get("elements").and_then(Value::as_array);
    match plain {
        Some(elements) if !elements.is_empty() => elements.iter().collect(),
        _ if !listed.is_empty() => listed,
        _ => included
            .entities()
            .filter(|e| {
                e.get("$type").and_then(Value::as_str).is_some_and(|t| {
                    t.ends_with(".profile.Profile") || t.ends_with("profileV2.Profile")
                })
            })
            .collect(),
    }
}

fn is_member(entity: &Value, member: &MemberIdentity) -> bool {
    match member {
        MemberIdentity::Id(id) => entity
            .get("entityUrn")
            .and_then(Value::as_str)
            .and_then(|urn| ProfileUrn::parse(urn).ok())
            .is_some_and(|urn| urn.id() == id),
        MemberIdentity::PublicIdentifier(slug) => {
            entity.get("publicIdentifier").and_then(Value::as_str) == Some(slug.as_str())
        }
    }
}
