//! Dash profiles, `GET /voyager/api/identity/dash/profiles?q=memberIdentity…` (voyager-api.md
//! §7.2, §7.4): plain `{"elements": [Profile]}` or normalized `{"data": {"*elements"}, "included"}`.

use serde_json::Value;

use super::ParseError;
use super::json::{Included, label, present, string};
use super::picture::vector_image;
use crate::ids::{ProfileUrn, PublicIdentifier};
use crate::model::{Picture, Profile};
use crate::voyager::MemberIdentity;

/// Reads the profile of `member` (the first profile when none matches it).
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
    Ok(read(entity, &included))
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

fn read(entity: &Value, included: &Included<'_>) -> Profile {
    let first_name = label(entity.get("firstName"));
    let last_name = label(entity.get("lastName"));
    let full_name = match (&first_name, &last_name) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (one, other) => one.clone().or_else(|| other.clone()),
    };
    let headline = label(entity.get("headline"));
    let position = included
        .elements(entity, "profileTopPosition")
        .into_iter()
        .next();
    let (headline_title, headline_company) = headline
        .as_deref()
        .and_then(|h| h.split_once(" at "))
        .map(|(title, company)| {
            (
                Some(title.trim().to_owned()),
                Some(company.trim().to_owned()),
            )
        })
        .unwrap_or_default();
    let title = position
        .and_then(|p| label(p.get("title")))
        .or(headline_title);
    let company = position
        .and_then(|p| {
            label(p.get("companyName")).or_else(|| {
                included
                    .field(p, "company")
                    .and_then(|c| label(c.get("name")))
            })
        })
        .or(headline_company);
    let location = present(entity, "geoLocation")
        .and_then(|geo| included.field(geo, "geo"))
        .and_then(|geo| label(geo.get("defaultLocalizedName")));
    Profile {
        urn: string(entity, "entityUrn").and_then(|urn| ProfileUrn::parse(&urn).ok()),
        public_identifier: string(entity, "publicIdentifier")
            .and_then(|slug| PublicIdentifier::parse(&slug).ok()),
        first_name,
        last_name,
        full_name,
        headline,
        title,
        company,
        location,
        picture: present(entity, "profilePicture").and_then(picture),
    }
}

/// `displayImageReference.vectorImage` (REST) or `displayImageReferenceResolutionResult.vectorImage`
/// (GraphQL), keyed by `displayImageUrn`.
fn picture(profile_picture: &Value) -> Option<Picture> {
    let asset = profile_picture
        .get("displayImageUrn")
        .and_then(Value::as_str);
    [
        "displayImageReference",
        "displayImageReferenceResolutionResult",
    ]
    .into_iter()
    .filter_map(|key| present(profile_picture, key)?.get("vectorImage"))
    .find_map(|image| vector_image(image, asset))
}
