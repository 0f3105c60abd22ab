//! LinkedIn's dash `Profile` entity, with the position, company and geo entities it references,
//! read into a [`Profile`].
//!
//! The Voyager profile answer (`voyager::parse::profile`) and the JSON a profile page embeds
//! (`embedded`) carry the same entity, so both read it here and a change of its shape is fixed
//! once. Choosing *which* entity to read stays with each caller. It lives in `profile_page`
//! because this module is visible to `voyager::parse`, whose modules are private to `voyager`.

use std::collections::HashMap;

use serde_json::Value;

use super::avatar::picture_from_profile_picture;
use super::dom::clean;
use crate::ids::{ProfileUrn, PublicIdentifier};
use crate::model::Profile;

/// Normalized entities by `entityUrn`, to follow `*key` references. Empty for plain answers,
/// where everything is inline.
#[derive(Default)]
pub(crate) struct Included<'a> {
    by_urn: HashMap<&'a str, &'a Value>,
}

impl<'a> Included<'a> {
    /// Indexes `root.included`.
    pub(crate) fn of(root: &'a Value) -> Self {
        Self::gather(
            root.get("included")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
    }

    /// Indexes entities gathered from anywhere, such as several answers embedded in one page.
    pub(crate) fn gather(entities: impl IntoIterator<Item = &'a Value>) -> Self {
        let by_urn = entities
            .into_iter()
            .filter_map(|entity| Some((entity.get("entityUrn")?.as_str()?, entity)))
            .collect();
        Self { by_urn }
    }

    /// The entity with this URN.
    pub(crate) fn get(&self, urn: &str) -> Option<&'a Value> {
        self.by_urn.get(urn).copied()
    }

    /// Every included entity, in no particular order.
    pub(crate) fn entities(&self) -> impl Iterator<Item = &'a Value> + '_ {
        self.by_urn.values().copied()
    }

    /// `value[key]` when inline, else the entity that `value["*key"]` names.
    pub(crate) fn field(&self, value: &'a Value, key: &str) -> Option<&'a Value> {
        present(value, key).or_else(|| {
            let urn = value.get(format!("*{key}").as_str())?.as_str()?;
            self.get(urn)
        })
    }

    /// The elements of `value[key]`: inline `elements`, or the entities named by `*elements`.
    pub(crate) fn elements(&self, value: &'a Value, key: &str) -> Vec<&'a Value> {
        let Some(holder) = present(value, key) else {
            return Vec::new();
        };
        if let Some(inline) = holder.get("elements").and_then(Value::as_array) {
            return inline.iter().collect();
        }
        holder
            .get("*elements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|urn| self.get(urn.as_str()?))
            .collect()
    }
}

/// A non-null field.
fn present<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

/// What a dash `Profile` entity says, references resolved through `included`.
///
/// No title or company is guessed from the headline here: the page may know the current company
/// from elsewhere, so callers apply [`with_headline_position`](super::with_headline_position)
/// once everything is known.
pub(crate) fn read_dash_profile<'a>(entity: &'a Value, included: &Included<'a>) -> Profile {
    let first_name = text(entity.get("firstName"));
    let last_name = text(entity.get("lastName"));
    let full_name = match (&first_name, &last_name) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (first, last) => first.clone().or_else(|| last.clone()),
    };
    let position = included
        .elements(entity, "profileTopPosition")
        .into_iter()
        .next();
    let company = position.and_then(|position| {
        text(position.get("companyName")).or_else(|| {
            included
                .field(position, "company")
                .and_then(|company| text(company.get("name")))
        })
    });
    let location = included
        .field(entity, "geoLocation")
        .and_then(|geo_location| included.field(geo_location, "geo"))
        .and_then(|geo| text(geo.get("defaultLocalizedName")));
    Profile {
        urn: identifier(entity, "entityUrn").and_then(|urn| ProfileUrn::parse(urn).ok()),
        public_identifier: identifier(entity, "publicIdentifier")
            .and_then(|slug| PublicIdentifier::parse(slug).ok()),
        first_name,
        last_name,
        full_name,
        headline: text(entity.get("headline")),
        title: position.and_then(|position| text(position.get("title"))),
        company,
        location,
        // The page's reader rather than the Voyager `vector_image`: it keeps only a well-formed
        // asset id, which keys the stored picture.
        picture: present(entity, "profilePicture").and_then(picture_from_profile_picture),
    }
}

fn identifier<'a>(entity: &'a Value, key: &str) -> Option<&'a str> {
    entity.get(key).and_then(Value::as_str)
}

/// A plain string or an AttributedText's `text`, cleaned: the API's names carry the same
/// direction marks and stray whitespace as the page's, so both get [`clean`], not just a trim.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => clean(text),
        Value::Object(attributed) => clean(attributed.get("text")?.as_str()?),
        _ => None,
    }
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
