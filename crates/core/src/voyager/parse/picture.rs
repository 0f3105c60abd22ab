//! LinkedIn's `VectorImage` (`rootUrl` + `artifacts[]`) as a [`Picture`] (voyager-api.md §10).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::json::{millis, string};
use crate::model::{Artifact, Picture};

/// Reads a VectorImage. `asset_urn` is the `displayImageUrn` when the caller has one
/// (`urn:li:digitalmediaAsset:<id>`); otherwise the asset id comes from the `rootUrl`.
/// `None` when the image has no usable artifact.
pub(super) fn vector_image(image: &Value, asset_urn: Option<&str>) -> Option<Picture> {
    let root = image.get("rootUrl").and_then(Value::as_str).unwrap_or("");
    let artifacts: Vec<Artifact> = image
        .get("artifacts")
        .and_then(Value::as_array)?
        .iter()
        .filter_map(|artifact| {
            let segment = string(artifact, "fileIdentifyingUrlPathSegment")?;
            let url = format!("{root}{segment}");
            let dimension = |key| {
                artifact
                    .get(key)
                    .and_then(Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(0)
            };
            Some(Artifact {
                width: dimension("width"),
                height: dimension("height"),
                expires_at: millis(artifact, "expiresAt").or_else(|| expiry_param(&url)),
                url,
            })
        })
        .collect();
    if artifacts.is_empty() {
        return None;
    }
    let asset_id = asset_urn
        .and_then(|urn| urn.strip_prefix("urn:li:digitalmediaAsset:"))
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .or_else(|| asset_in_url(root))
        .or_else(|| asset_in_url(&artifacts[0].url));
    Some(Picture {
        asset_id,
        artifacts,
    })
}

/// The `e=<unix seconds>` expiry of a signed media URL.
fn expiry_param(url: &str) -> Option<DateTime<Utc>> {
    let (_, query) = url.split_once('?')?;
    let seconds = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("e="))?
        .parse::<i64>()
        .ok()?;
    DateTime::from_timestamp(seconds, 0)
}

/// The asset id in `…/dms/image/[v2/]<asset>/…` (`D4E03AQ…`, `C4D03AQ…`).
fn asset_in_url(url: &str) -> Option<String> {
    let (_, after) = url.split_once("/image/")?;
    let after = after.strip_prefix("v2/").unwrap_or(after);
    let asset = after.split(['/', '?']).next()?;
    (!asset.is_empty() && after.len() > asset.len()).then(|| asset.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn urls_join_root_and_segment_verbatim_and_expiry_comes_from_expires_at_or_e() {
        let image = json!({
        "rootUrl": "https://media.licdn.com/dms/image/v2/D4E03AQFakeAsset/profile-displayphoto-shrink_",
        "artifacts": [
            {"width": 100, "height": 100, "expiresAt": 1767225600000_i64,
             "fileIdentifyingUrlPathSegment": "100_100/B4EZ-/0/1?e=1000&v=beta&t=x"},
            {"width": 400, "height": 400,
             "fileIdentifyingUrlPathSegment": "400_400/B4EZ-/0/1?e=1767225600&v=beta&t=y"},
            {"width": 800, "height": 800}
        ]});
        let picture = vector_image(&image, None).unwrap();
        assert_eq!(picture.asset_id.as_deref(), Some("D4E03AQFakeAsset"));
        assert_eq!(picture.artifacts.len(), 2);
        assert_eq!(
            picture.artifacts[0].url,
            "https://media.licdn.com/dms/image/v2/D4E03AQFakeAsset/profile-displayphoto-shrink_100_100/B4EZ-/0/1?e=1000&v=beta&t=x"
        );
        let expected = DateTime::from_timestamp(1_767_225_600, 0);
        assert_eq!(picture.artifacts[0].expires_at, expected);
        assert_eq!(picture.artifacts[1].expires_at, expected);
    }

    #[test]
    fn the_display_image_urn_wins_over_the_root_url_for_the_asset_id() {
        let image = json!({"rootUrl": "https://media.licdn.com/dms/image/C4D03AQOld/",
            "artifacts": [{"width": 200, "height": 200, "fileIdentifyingUrlPathSegment": "a"}]});
        let from_urn = vector_image(&image, Some("urn:li:digitalmediaAsset:D4E03AQNew"));
        assert_eq!(from_urn.unwrap().asset_id.as_deref(), Some("D4E03AQNew"));
        let from_root = vector_image(&image, None);
        assert_eq!(from_root.unwrap().asset_id.as_deref(), Some("C4D03AQOld"));
    }

    #[test]
    fn an_image_without_artifacts_is_no_picture() {
        assert_eq!(
            vector_image(&json!({"rootUrl": "x", "artifacts": []}), None),
            None
        );
        assert_eq!(vector_image(&json!(null), None), None);
    }
}
