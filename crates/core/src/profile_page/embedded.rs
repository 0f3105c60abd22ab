//! The JSON an Ember page embeds: `<code id="datalet-bpr-guid-N">` describes a Voyager answer
//! (`request`, `status`, `body`) whose HTML-escaped body sits in `<code id="bpr-guid-N">`.
//!
//! Blobs survive SPA navigation and also carry the viewer's own profile, so only the dash
//! `Profile` entity of the member the URL names is read.

use std::collections::HashMap;

use scraper::{ElementRef, Html};
use serde_json::Value;

use super::dom::all;
use super::target::PageTarget;
use crate::entity::{Included, read_dash_profile};
use crate::ids::ProfileUrn;
use crate::model::Profile;

const CODE_BLOBS: &str = "code[id]";
const DATALET_PREFIX: &str = "datalet-bpr-guid-";
const DASH_PROFILE_PREFIX: &str = "urn:li:fsd_profile:";

/// What the page's blobs say about the member `target` names; `None` when no blob has them.
/// Several matching entities (one answer per decoration) are merged, the first value winning.
pub(super) fn read(document: &Html, target: &PageTarget) -> Option<Profile> {
    let bodies = answer_bodies(document);
    let entities: Vec<&Value> = bodies.iter().flat_map(entities_of).collect();
    // References may point into another blob than the profile's own.
    let included = Included::gather(entities.iter().copied());
    entities
        .iter()
        .filter(|entity| is_target(entity, target))
        .map(|entity| read_dash_profile(entity, &included))
        .reduce(super::fill_missing)
}

/// The parsed bodies of successful answers, in page order.
fn answer_bodies(document: &Html) -> Vec<Value> {
    let codes = all(document.root_element(), CODE_BLOBS);
    let by_id: HashMap<&str, ElementRef<'_>> = codes
        .iter()
        .filter_map(|code| Some((code.value().id()?, *code)))
        .collect();
    codes
        .iter()
        .filter(|code| {
            code.value()
                .id()
                .is_some_and(|id| id.starts_with(DATALET_PREFIX))
        })
        .filter_map(|datalet| {
            let meta = json_of(*datalet)?;
            let succeeded = meta.get("status").is_none_or(|status| status == 200);
            let body = by_id.get(meta.get("body")?.as_str()?)?;
            succeeded.then(|| json_of(*body)).flatten()
        })
        .collect()
}

fn json_of(code: ElementRef<'_>) -> Option<Value> {
    let text: String = code.text().collect();
    serde_json::from_str(text.trim()).ok()
}

/// A normalized answer's `included` entities, or a plain answer's `elements`.
fn entities_of(body: &Value) -> impl Iterator<Item = &Value> {
    ["included", "elements"]
        .into_iter()
        .filter_map(|key| body.get(key)?.as_array())
        .flatten()
}

/// Whether `entity` is the dash profile of the member `target` names.
fn is_target(entity: &Value, target: &PageTarget) -> bool {
    let Some(urn) = entity
        .get("entityUrn")
        .and_then(Value::as_str)
        .filter(|urn| urn.starts_with(DASH_PROFILE_PREFIX))
        .and_then(|urn| ProfileUrn::parse(urn).ok())
    else {
        return false;
    };
    let slug = entity.get("publicIdentifier").and_then(Value::as_str);
    target.is(slug, &urn)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ID: &str = "ACoAAPeer00000000000000000000000000000000";
    const VIEWER: &str = "ACoAAViewer000000000000000000000000000000";

    fn page(blobs: &[(u16, Value)]) -> Html {
        let codes: String = blobs
            .iter()
            .enumerate()
            .map(|(n, (status, body))| {
                let escaped = body
                    .to_string()
                    .replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('<', "&lt;");
                format!(
                    r#"<code style="display: none" id="datalet-bpr-guid-{n}">{{"request":"/voyager/api/x","status":{status},"body":"bpr-guid-{n}"}}</code><code style="display: none" id="bpr-guid-{n}">{escaped}</code>"#
                )
            })
            .collect();
        Html::parse_document(&format!("<html><body>{codes}</body></html>"))
    }

    fn profile_entity(id: &str, slug: &str, first: &str) -> Value {
        json!({
            "$type": "com.linkedin.voyager.dash.identity.profile.Profile",
            "entityUrn": format!("urn:li:fsd_profile:{id}"),
            "publicIdentifier": slug, "firstName": first, "lastName": "Sample",
        })
    }

    fn slug_target(slug: &str) -> PageTarget {
        PageTarget::from_url(&format!("/in/{slug}/")).unwrap()
    }

    #[test]
    fn only_the_profile_the_url_names_is_read() {
        let html = page(&[(
            200,
            json!({"included": [profile_entity(VIEWER, "me-myself", "Viewer"), profile_entity(ID, "zoe-sample", "Zoe")]}),
        )]);
        let profile = read(&html, &slug_target("Zoe-Sample")).unwrap();
        assert_eq!(profile.first_name.as_deref(), Some("Zoe"));
        assert_eq!(profile.full_name.as_deref(), Some("Zoe Sample"));
        assert_eq!(read(&html, &slug_target("someone-else")), None);
        let by_id = PageTarget::from_url(&format!("/in/{VIEWER}/")).unwrap();
        assert_eq!(
            read(&html, &by_id).unwrap().first_name.as_deref(),
            Some("Viewer")
        );
    }

    #[test]
    fn references_to_position_company_and_geo_are_resolved() {
        let mut zoe = profile_entity(ID, "zoe-sample", "Zoe");
        zoe["geoLocation"] = json!({"*geo": "urn:li:fsd_geo:1"});
        zoe["profileTopPosition"] = json!({"*elements": ["urn:li:fsd_profilePosition:(x,1)"]});
        let html = page(&[(
            200,
            json!({"included": [
                zoe,
                {"entityUrn": "urn:li:fsd_geo:1", "defaultLocalizedName": "Lisbon, Portugal"},
                {"entityUrn": "urn:li:fsd_profilePosition:(x,1)", "title": "Data engineer",
                 "*company": "urn:li:fsd_company:9"},
                {"entityUrn": "urn:li:fsd_company:9", "name": "Fictional Robotics"},
            ]}),
        )]);
        let profile = read(&html, &slug_target("zoe-sample")).unwrap();
        assert_eq!(profile.location.as_deref(), Some("Lisbon, Portugal"));
        assert_eq!(profile.title.as_deref(), Some("Data engineer"));
        assert_eq!(profile.company.as_deref(), Some("Fictional Robotics"));
    }

    #[test]
    fn failed_answers_and_unreadable_blobs_are_ignored() {
        let mut html = page(&[(
            403,
            json!({"included": [profile_entity(ID, "zoe-sample", "Zoe")]}),
        )]);
        assert_eq!(read(&html, &slug_target("zoe-sample")), None);
        html = Html::parse_document(
            r#"<code id="datalet-bpr-guid-1">{"body":"bpr-guid-1"}</code><code id="bpr-guid-1">{not json</code><code id="datalet-bpr-guid-2">{"body":"missing"}</code>"#,
        );
        assert_eq!(read(&html, &slug_target("zoe-sample")), None);
    }

    #[test]
    fn answers_for_one_profile_are_merged_first_value_first() {
        let mut lean = profile_entity(ID, "zoe-sample", "Zoe");
        lean["headline"] = json!("Data engineer");
        let mut rich = profile_entity(ID, "zoe-sample", "Zoé");
        rich["geoLocation"] = json!({"geo": {"defaultLocalizedName": "Porto"}});
        let html = page(&[
            (200, json!({"included": [lean]})),
            (200, json!({"elements": [rich]})),
        ]);
        let profile = read(&html, &slug_target("zoe-sample")).unwrap();
        assert_eq!(profile.first_name.as_deref(), Some("Zoe"));
        assert_eq!(profile.headline.as_deref(), Some("Data engineer"));
        assert_eq!(profile.location.as_deref(), Some("Porto"));
    }
}
