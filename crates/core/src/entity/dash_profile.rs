//! LinkedIn's dash `Profile` entity, with the position, company and geo entities it references,
//! read into a [`Profile`]: from the Voyager profile answer and from the copies a profile page
//! embeds.

use serde_json::Value;

use super::included::Included;
use super::json::present;
use super::picture::profile_picture;
use super::text::cleaned_text;
use crate::ids::{ProfileUrn, PublicIdentifier};
use crate::model::Profile;

/// What a dash `Profile` entity says, references resolved through `included`.
///
/// No title or company is guessed from the headline here: the page may know the current company
/// from elsewhere, so callers apply [`with_headline_position`](super::with_headline_position)
/// once everything is known.
pub(crate) fn read_dash_profile<'a>(entity: &'a Value, included: &Included<'a>) -> Profile {
    let first_name = cleaned_text(entity.get("firstName"));
    let last_name = cleaned_text(entity.get("lastName"));
    let full_name = match (&first_name, &last_name) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (first, last) => first.clone().or_else(|| last.clone()),
    };
    let position = included
        .elements(entity, "profileTopPosition")
        .into_iter()
        .next();
    let company = position.and_then(|position| {
        cleaned_text(position.get("companyName")).or_else(|| {
            included
                .field(position, "company")
                .and_then(|company| cleaned_text(company.get("name")))
        })
    });
    let location = included
        .field(entity, "geoLocation")
        .and_then(|geo_location| included.field(geo_location, "geo"))
        .and_then(|geo| cleaned_text(geo.get("defaultLocalizedName")));
    Profile {
        urn: identifier(entity, "entityUrn").and_then(|urn| ProfileUrn::parse(urn).ok()),
        public_identifier: identifier(entity, "publicIdentifier")
            .and_then(|slug| PublicIdentifier::parse(slug).ok()),
        first_name,
        last_name,
        full_name,
        headline: cleaned_text(entity.get("headline")),
        title: position.and_then(|position| cleaned_text(position.get("title"))),
        company,
        location,
        picture: present(entity, "profilePicture").and_then(profile_picture),
    }
}

fn identifier<'a>(entity: &'a Value, key: &str) -> Option<&'a str> {
    entity.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn attributed_text_and_direction_marks_read_like_plain_names() {
        let entity = json!({
            "entityUrn": "urn:li:fsd_profile:ACoAAPeer00000000000000000000000000000000",
            "firstName": {"text": "\u{200F}ليلى\u{200F} ", "attributes": []},
            "lastName": "  الحداد ",
            "headline": "Data   engineer\n",
        });
        let profile = read_dash_profile(&entity, &Included::default());
        assert_eq!(profile.full_name.as_deref(), Some("ليلى الحداد"));
        assert_eq!(profile.headline.as_deref(), Some("Data engineer"));
        assert!(profile.urn.is_some());
    }

    #[test]
    fn a_company_name_on_the_position_wins_over_its_company_entity() {
        let entity = json!({"profileTopPosition": {"*elements": ["urn:li:fsd_profilePosition:1"]}});
        let position = json!({"entityUrn": "urn:li:fsd_profilePosition:1", "title": "CTO",
            "companyName": "Beep", "*company": "urn:li:fsd_company:2"});
        let company = json!({"entityUrn": "urn:li:fsd_company:2", "name": "Beep Holdings"});
        let included = Included::gather([&position, &company]);
        let profile = read_dash_profile(&entity, &included);
        assert_eq!(profile.title.as_deref(), Some("CTO"));
        assert_eq!(profile.company.as_deref(), Some("Beep"));
    }
}
