//! Profile pictures: from an `<img>` URL on the page, or from a dash `vectorImage`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::model::{Artifact, Picture};

/// A picture from one `media.licdn.com/dms/image/…` URL; `None` for anything else (LinkedIn's
/// ghost-person placeholder, `data:` URLs of lazy images).
pub(super) fn picture_from_url(url: &str) -> Option<Picture> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return None;
    }
    let asset_id = asset_id(url)?;
    let (width, height) = shrink_size(url).unwrap_or((0, 0));
    Some(Picture {
        asset_id: Some(asset_id),
        artifacts: vec![Artifact {
            width,
            height,
            url: url.to_owned(),
            expires_at: expiry(url),
        }],
    })
}

/// A picture from a dash `profilePicture` (REST `displayImageReference` or GraphQL
/// `displayImageReferenceResolutionResult`, the first that has a usable artifact); `None`
/// without one.
pub(super) fn picture_from_profile_picture(profile_picture: &Value) -> Option<Picture> {
    [
        "displayImageReference",
        "displayImageReferenceResolutionResult",
    ]
    .iter()
    .filter_map(|key| profile_picture.get(key)?.get("vectorImage"))
    .find_map(|vector| picture_from_vector_image(vector, profile_picture))
}

fn picture_from_vector_image(vector: &Value, profile_picture: &Value) -> Option<Picture> {
    let root = vector.get("rootUrl")?.as_str()?;
    let artifacts: Vec<Artifact> = vector
        .get("artifacts")?
        .as_array()?
        .iter()
        .filter_map(|artifact| {
            let segment = artifact.get("fileIdentifyingUrlPathSegment")?.as_str()?;
            let url = format!("{root}{segment}");
            let expires_at = artifact
                .get("expiresAt")
                .and_then(Value::as_i64)
                .and_then(DateTime::from_timestamp_millis)
                .or_else(|| expiry(&url));
            Some(Artifact {
                width: pixels(artifact.get("width")),
                height: pixels(artifact.get("height")),
                url,
                expires_at,
            })
        })
        .collect();
    if artifacts.is_empty() {
        return None;
    }
    let asset_id = profile_picture
        .get("displayImageUrn")
        .and_then(Value::as_str)
        .and_then(|urn| urn.strip_prefix("urn:li:digitalmediaAsset:"))
        .filter(|id| is_asset_id(id))
        .map(str::to_owned)
        .or_else(|| asset_id(root));
    Some(Picture {
        asset_id,
        artifacts,
    })
}

fn pixels(value: Option<&Value>) -> u32 {
    value
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

/// The path part after `/dms/image/` (or `/dms/image/v2/`): `D4E03AQ…`, stable across re-signing.
fn asset_id(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("/dms/image/")?;
    let rest = rest.strip_prefix("v2/").unwrap_or(rest);
    let id = rest.split(['/', '?', '#']).next()?;
    is_asset_id(id).then(|| id.to_owned())
}

fn is_asset_id(id: &str) -> bool {
    (1..=200).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
}

/// `(w, h)` from the first `shrink_<w>_<h>` in the URL. The name is not always the pixel size
/// (an 800_800 artifact may be 480 px), but it is all a page URL tells.
fn shrink_size(url: &str) -> Option<(u32, u32)> {
    url.match_indices("shrink_").find_map(|(at, marker)| {
        let rest = &url[at + marker.len()..];
        let (width, rest) = leading_number(rest)?;
        let (height, _) = leading_number(rest.strip_prefix('_')?)?;
        Some((width, height))
    })
}

fn leading_number(text: &str) -> Option<(u32, &str)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number = text.get(..end)?.parse().ok()?;
    Some((number, &text[end..]))
}

/// The `e=` query parameter: unix seconds after which the signed URL is refused.
fn expiry(url: &str) -> Option<DateTime<Utc>> {
    let (_, query) = url.split_once('?')?;
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("e="))
        .and_then(|secs| secs.parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_v2_url_gives_asset_size_and_expiry() {
        let url = "https://media.licdn.com/dms/image/v2/D4E03AQFakeAsset/profile-displayphoto-shrink_400_400/profile-displayphoto-shrink_400_400/0/1691794841650?e=1767225600&v=beta&t=sig";
        let picture = picture_from_url(url).unwrap();
        assert_eq!(picture.asset_id.as_deref(), Some("D4E03AQFakeAsset"));
        let artifact = &picture.artifacts[0];
        assert_eq!((artifact.width, artifact.height), (400, 400));
        assert_eq!(artifact.url, url);
        assert_eq!(
            artifact.expires_at.unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn an_old_style_url_without_size_or_expiry_still_gives_a_picture() {
        let picture =
            picture_from_url("https://media-exp1.licdn.com/dms/image/C4D03AQOld/photo/0/1")
                .unwrap();
        assert_eq!(picture.asset_id.as_deref(), Some("C4D03AQOld"));
        assert_eq!(picture.artifacts[0].width, 0);
        assert_eq!(picture.artifacts[0].expires_at, None);
    }

    #[test]
    fn placeholders_are_not_pictures() {
        for src in [
            "https://static.licdn.com/aero-v1/sc/h/9c8pery4andzj6ohjkjp54ma2",
            "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
            "/dms/image/v2/D4E/relative",
        ] {
            assert_eq!(picture_from_url(src), None, "{src}");
        }
    }

    #[test]
    fn a_vector_image_gives_every_artifact_with_its_millisecond_expiry() {
        let picture = picture_from_profile_picture(&json!({
            "displayImageUrn": "urn:li:digitalmediaAsset:D4E03AQFakeAsset",
            "displayImageReferenceResolutionResult": {"vectorImage": {
                "rootUrl": "https://media.licdn.com/dms/image/v2/D4E03AQFakeAsset/profile-displayphoto-shrink_",
                "artifacts": [
                    {"width": 100, "height": 100, "expiresAt": 1767225600000_i64,
                     "fileIdentifyingUrlPathSegment": "100_100/B4EZ-/0/1?e=1767225600&v=beta&t=a"},
                    {"width": 800, "height": 800,
                     "fileIdentifyingUrlPathSegment": "800_800/B4EZ-/0/1?e=1767312000&v=beta&t=b"},
                    {"width": 200}
                ]}}
        }))
        .unwrap();
        assert_eq!(picture.asset_id.as_deref(), Some("D4E03AQFakeAsset"));
        assert_eq!(picture.artifacts.len(), 2);
        assert_eq!(picture.best(400).unwrap().width, 800);
        let expiries: Vec<_> = picture
            .artifacts
            .iter()
            .map(|a| a.expires_at.unwrap().timestamp())
            .collect();
        assert_eq!(expiries, [1_767_225_600, 1_767_312_000]);
    }

    #[test]
    fn a_reference_without_artifacts_gives_way_to_the_next_one() {
        let picture = picture_from_profile_picture(&json!({
            "displayImageReference": {"vectorImage": {"rootUrl": "x", "artifacts": []}},
            "displayImageReferenceResolutionResult": {"vectorImage": {
                "rootUrl": "https://media.licdn.com/dms/image/v2/D4E03AQFakeAsset/shrink_",
                "artifacts": [{"width": 100, "height": 100, "fileIdentifyingUrlPathSegment": "100_100/0/1"}]}}
        }));
        assert_eq!(
            picture.unwrap().asset_id.as_deref(),
            Some("D4E03AQFakeAsset")
        );
    }

    #[test]
    fn a_vector_image_without_artifacts_is_no_picture() {
        let empty =
            json!({"displayImageReference": {"vectorImage": {"rootUrl": "x", "artifacts": []}}});
        assert_eq!(picture_from_profile_picture(&empty), None);
        assert_eq!(
            picture_from_profile_picture(&json!({"frameType": null})),
            None
        );
    }
}
