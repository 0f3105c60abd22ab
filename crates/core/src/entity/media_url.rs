//! What a signed `media.licdn.com` picture URL tells (voyager-api.md §10): the asset id in its
//! path, the size in its `shrink_<w>_<h>` name and the expiry in its `e=` parameter.

use chrono::{DateTime, Utc};

/// Where the asset id starts: `/dms/image/<asset>/…` or `/dms/image/v2/<asset>/…`. Private
/// messaging media (`/dms/prv/image/…`) is not a picture asset.
const ASSET_PATH: &str = "/dms/image/";

/// Whether `url` can be fetched as it is: an absolute http(s) URL, not a `data:` URL of a lazy
/// image nor a path relative to whatever page it came from.
pub(super) fn is_web_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// The asset id (`D4E03AQ…`, `C4D03AQ…`), stable across re-signing: the whole path segment after
/// [`ASSET_PATH`], which must be followed by more of the URL, so a cut-off id is not taken
/// for the id.
pub(super) fn asset_id(url: &str) -> Option<String> {
    let (_, rest) = url.split_once(ASSET_PATH)?;
    let rest = rest.strip_prefix("v2/").unwrap_or(rest);
    let end = rest.find(['/', '?', '#'])?;
    let id = &rest[..end];
    is_asset_id(id).then(|| id.to_owned())
}

/// An id fit to key a stored picture by: short, and only letters, digits, `_` and `-`.
pub(super) fn is_asset_id(id: &str) -> bool {
    (1..=200).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
}

/// The `e=` query parameter: unix seconds after which the signed URL is refused. A `#fragment`
/// is not part of the query.
pub(super) fn expiry(url: &str) -> Option<DateTime<Utc>> {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let (_, query) = without_fragment.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("e="))
        .and_then(|secs| secs.parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
}

/// `(w, h)` from the first `shrink_<w>_<h>` in the URL. The name is not always the pixel size
/// (an 800_800 artifact may be 480 px), but it is all a page URL tells.
pub(super) fn shrink_size(url: &str) -> Option<(u32, u32)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asset_id_is_the_whole_segment_after_dms_image() {
        for (url, id) in [
            (
                "https://media.licdn.com/dms/image/v2/D4E03AQFake/profile-displayphoto-shrink_",
                Some("D4E03AQFake"),
            ),
            (
                "https://media.licdn.com/dms/image/C4D03AQOld/",
                Some("C4D03AQOld"),
            ),
            (
                "https://media.licdn.com/dms/image/C4D03AQOld?e=1",
                Some("C4D03AQOld"),
            ),
            (
                "https://media.licdn.com/dms/image/C4D03AQOld#x",
                Some("C4D03AQOld"),
            ),
            ("https://media.licdn.com/dms/image/v2/D4E03AQCut", None),
            ("https://media.licdn.com/dms/image/v2/not%20an%20id/x", None),
            (
                "https://www.linkedin.com/dms/prv/image/v2/D4D06AQImage02/thumb/",
                None,
            ),
        ] {
            assert_eq!(asset_id(url).as_deref(), id, "{url}");
        }
    }

    #[test]
    fn the_expiry_is_the_e_parameter_of_the_query_only() {
        let expected = DateTime::from_timestamp(1_767_225_600, 0);
        assert_eq!(expiry("https://x/a?v=beta&e=1767225600&t=s"), expected);
        assert_eq!(expiry("https://x/a?e=1767225600#e=1"), expected);
        assert_eq!(expiry("https://x/a#?e=1767225600"), None);
        assert_eq!(expiry("https://x/a?e=soon"), None);
    }

    #[test]
    fn the_size_is_the_first_shrink_name() {
        let url = "https://media.licdn.com/dms/image/v2/D4E/profile-displayphoto-shrink_400_400/profile-displayphoto-shrink_800_800/0/1";
        assert_eq!(shrink_size(url), Some((400, 400)));
        assert_eq!(shrink_size("https://x/shrink_/0/1"), None);
    }
}
