//! Pictures: LinkedIn's `VectorImage` (`rootUrl` + `artifacts[]`), a dash `profilePicture`
//! around one, or a single `<img>` URL on a page. One set of rules for all of them, so a photo
//! gets the same asset id and expiry whichever way it was read:
//!
//! - an artifact's URL is `rootUrl + fileIdentifyingUrlPathSegment` verbatim, and counts only
//!   when that is an absolute http(s) URL (without a `rootUrl` the segments are relative paths);
//! - the asset id is the `displayImageUrn`'s when that is a well-formed id, else the one in the
//!   URL's path (`media_url::asset_id`);
//! - the expiry is the artifact's `expiresAt`, else the URL's `e=` (a `#fragment` is not part
//!   of the query).

use ping_voyager_records::lenient::{Object, Record};
use ping_voyager_records::picture::VectorImage;
use serde::Deserialize;
use serde_json::Value;

use super::media_url::{asset_id, expiry, is_asset_id, is_web_url, shrink_size};
use crate::model::{Artifact, Picture};

const ASSET_URN_PREFIX: &str = "urn:li:digitalmediaAsset:";

/// The references a dash `profilePicture` may hold its image under: REST answers use the first,
/// GraphQL answers the second.
const PROFILE_PICTURE_REFERENCES: [&str; 2] = [
    "displayImageReference",
    "displayImageReferenceResolutionResult",
];

/// The picture of a `VectorImage` read with its record (a participant's `profilePicture`, an
/// organisation's `logo`); `None` when it has no usable artifact.
pub(crate) fn picture(image: &VectorImage<'_>) -> Option<Picture> {
    read(image, None)
}

/// `asset_urn` is the `displayImageUrn` (`urn:li:digitalmediaAsset:<id>`) when there is one.
fn read(image: &VectorImage<'_>, asset_urn: Option<&str>) -> Option<Picture> {
    // A missing `rootUrl` joins to a relative path, which `is_web_url` refuses.
    let root = image.root_url.as_str().unwrap_or_default();
    let artifacts: Vec<Artifact> = image
        .artifacts
        .0
        .as_ref()?
        .iter()
        .filter_map(|Record(artifact)| {
            let segment = artifact.file_identifying_url_path_segment.as_str()?;
            if segment.is_empty() {
                return None;
            }
            let url = [root, segment].concat();
            is_web_url(&url).then(|| Artifact {
                width: artifact.width.0.unwrap_or(0),
                height: artifact.height.0.unwrap_or(0),
                expires_at: artifact.expires_at.0.or_else(|| expiry(&url)),
                url,
            })
        })
        .collect();
    // Every artifact shares the root, so the first one's URL names the asset.
    let from_url = asset_id(&artifacts.first()?.url);
    let asset_id = asset_urn
        .and_then(|urn| urn.strip_prefix(ASSET_URN_PREFIX))
        .filter(|id| is_asset_id(id))
        .map(str::to_owned)
        .or(from_url);
    Some(Picture {
        asset_id,
        artifacts,
    })
}

/// A VectorImage inside an already parsed value (an image attachment); `None` when it has no
/// usable artifact.
pub(crate) fn vector_image(image: &Value) -> Option<Picture> {
    read_vector_image(image, None)
}

/// A dash `profilePicture`: the first reference whose VectorImage has a usable artifact, keyed
/// by `displayImageUrn` when it has one.
pub(super) fn profile_picture(profile_picture: &Value) -> Option<Picture> {
    let asset_urn = profile_picture
        .get("displayImageUrn")
        .and_then(Value::as_str);
    PROFILE_PICTURE_REFERENCES
        .iter()
        .filter_map(|key| profile_picture.get(key)?.get("vectorImage"))
        .find_map(|image| read_vector_image(image, asset_urn))
}

/// A picture from one `media.licdn.com/dms/image/…` URL; `None` for anything else (LinkedIn's
/// ghost-person placeholder, `data:` URLs of lazy images).
pub(crate) fn picture_from_url(url: &str) -> Option<Picture> {
    if !is_web_url(url) {
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

fn read_vector_image(image: &Value, asset_urn: Option<&str>) -> Option<Picture> {
    // Lenient fields never fail; a non-object is no image.
    let Object(image) = Object::<VectorImage>::deserialize(image).ok()?;
    read(&image?, asset_urn)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ROOT: &str =
        "https://media.licdn.com/dms/image/v2/D4E03AQFakeAsset/profile-displayphoto-shrink_";
    const JAN_2026: i64 = 1_767_225_600;

    /// What a picture's test cares about: its asset id and its first artifact's expiry (seconds).
    type Read<'a> = (Option<&'a str>, Option<i64>);

    /// The three rules on which `voyager::parse::picture` and `profile_page::avatar` disagreed
    /// before they became this reader: which asset ids count, where a `#fragment` ends, and what
    /// a missing `rootUrl` means.
    #[test]
    fn asset_ids_fragments_and_missing_roots_follow_the_stricter_rule() {
        // (rule, image, displayImageUrn, expected (asset id, expiry) or no picture)
        let cases: [(&str, Value, Option<&str>, Option<Read>); 8] = [
            (
                "a well-formed displayImageUrn id wins over the URL",
                json!({"rootUrl": ROOT, "artifacts": [{"fileIdentifyingUrlPathSegment": "100_100/0/1"}]}),
                Some("urn:li:digitalmediaAsset:D4E03AQNew"),
                Some((Some("D4E03AQNew"), None)),
            ),
            (
                "a malformed displayImageUrn id gives way to the URL's",
                json!({"rootUrl": ROOT, "artifacts": [{"fileIdentifyingUrlPathSegment": "100_100/0/1"}]}),
                Some("urn:li:digitalmediaAsset:not an id/"),
                Some((Some("D4E03AQFakeAsset"), None)),
            ),
            (
                "a malformed id in the URL is no asset id",
                json!({"rootUrl": "https://media.licdn.com/dms/image/v2/bad%20id/shrink_",
                       "artifacts": [{"fileIdentifyingUrlPathSegment": "100_100/0/1"}]}),
                None,
                Some((None, None)),
            ),
            (
                "private messaging media is not a picture asset",
                json!({"rootUrl": "https://www.linkedin.com/dms/prv/image/v2/D4D06AQImage02/thumb/",
                       "artifacts": [{"fileIdentifyingUrlPathSegment": "0/1"}]}),
                None,
                Some((None, None)),
            ),
            (
                "a fragment ends the e= expiry",
                json!({"rootUrl": ROOT, "artifacts": [
                    {"fileIdentifyingUrlPathSegment": "100_100/0/1?e=1767225600&v=beta#sig"}]}),
                None,
                Some((Some("D4E03AQFakeAsset"), Some(JAN_2026))),
            ),
            (
                "a fragment ends the asset id",
                json!({"rootUrl": "https://media.licdn.com/dms/image/C4D03AQOld",
                       "artifacts": [{"fileIdentifyingUrlPathSegment": "#0"}]}),
                None,
                Some((Some("C4D03AQOld"), None)),
            ),
            (
                "without a rootUrl the relative segments are no picture",
                json!({"artifacts": [{"fileIdentifyingUrlPathSegment": "100_100/0/1?e=1767225600"}]}),
                Some("urn:li:digitalmediaAsset:D4E03AQFakeAsset"),
                None,
            ),
            (
                "an empty rootUrl is no picture either",
                json!({"rootUrl": "", "artifacts": [{"fileIdentifyingUrlPathSegment": "100_100/0/1"}]}),
                None,
                None,
            ),
        ];
        for (rule, image, urn, expected) in cases {
            let read = read_vector_image(&image, urn).map(|picture| {
                let expiry = picture.artifacts[0].expires_at.map(|at| at.timestamp());
                (picture.asset_id, expiry)
            });
            let expected = expected.map(|(id, expiry)| (id.map(str::to_owned), expiry));
            assert_eq!(read, expected, "{rule}");
        }
    }

    #[test]
    fn a_vector_image_gives_every_artifact_with_a_segment_and_its_expiry() {
        let image = json!({"rootUrl": ROOT, "artifacts": [
            {"width": 100, "height": 100, "expiresAt": 1767225600000_i64,
             "fileIdentifyingUrlPathSegment": "100_100/B4EZ-/0/1?e=1000&v=beta&t=a"},
            {"width": 800, "height": 800,
             "fileIdentifyingUrlPathSegment": "800_800/B4EZ-/0/1?e=1767225600&v=beta&t=b"},
            {"width": 200, "height": 200}
        ]});
        let picture = vector_image(&image).unwrap();
        assert_eq!(picture.asset_id.as_deref(), Some("D4E03AQFakeAsset"));
        assert_eq!(picture.artifacts.len(), 2);
        assert_eq!(
            picture.artifacts[0].url,
            format!("{ROOT}100_100/B4EZ-/0/1?e=1000&v=beta&t=a")
        );
        assert_eq!(picture.best(400).unwrap().width, 800);
        let expiries: Vec<_> = picture
            .artifacts
            .iter()
            .map(|a| a.expires_at.unwrap().timestamp())
            .collect();
        assert_eq!(expiries, [JAN_2026, JAN_2026]);
    }

    #[test]
    fn an_image_without_artifacts_is_no_picture() {
        assert_eq!(
            vector_image(&json!({"rootUrl": ROOT, "artifacts": []})),
            None
        );
        assert_eq!(vector_image(&json!(null)), None);
        assert_eq!(profile_picture(&json!({"frameType": null})), None);
    }

    #[test]
    fn a_profile_picture_reference_without_artifacts_gives_way_to_the_next_one() {
        let picture = profile_picture(&json!({
            "displayImageUrn": "urn:li:digitalmediaAsset:D4E03AQFakeAsset",
            "displayImageReference": {"vectorImage": {"rootUrl": ROOT, "artifacts": []}},
            "displayImageReferenceResolutionResult": {"vectorImage": {
                "rootUrl": ROOT,
                "artifacts": [{"width": 100, "height": 100, "fileIdentifyingUrlPathSegment": "100_100/0/1"}]}}
        }));
        assert_eq!(
            picture.unwrap().asset_id.as_deref(),
            Some("D4E03AQFakeAsset")
        );
    }

    #[test]
    fn a_v2_url_gives_asset_size_and_expiry() {
        let url = format!(
            "{ROOT}400_400/profile-displayphoto-shrink_400_400/0/1691794841650?e=1767225600&v=beta&t=sig"
        );
        let picture = picture_from_url(&url).unwrap();
        assert_eq!(picture.asset_id.as_deref(), Some("D4E03AQFakeAsset"));
        let artifact = &picture.artifacts[0];
        assert_eq!((artifact.width, artifact.height), (400, 400));
        assert_eq!(artifact.url, url);
        assert_eq!(artifact.expires_at.unwrap().timestamp(), JAN_2026);
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
}
