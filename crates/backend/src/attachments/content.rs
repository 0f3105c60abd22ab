//! What uploaded bytes are: the type LinkedIn declared checked against the bytes' magic.
//!
//! The type kept decides how the web UI serves the bytes (inline image, player, download), so
//! it comes from the bytes where they say something: a declared image that is really a script
//! is refused, not shown.

/// The media type when neither the bytes nor the declaration say anything usable.
pub const UNKNOWN_TYPE: &str = "application/octet-stream";

/// Bytes the backend will not keep as their declared type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentRefused {
    #[error("the bytes are {sniffed}, not the declared {declared}")]
    Mismatch { declared: String, sniffed: String },
    #[error("the bytes are {0}, which the backend does not store as an attachment")]
    Markup(String),
}

/// A media type's top-level type, e.g. `image` of `image/png`.
fn top_level(media_type: &str) -> &str {
    media_type.split('/').next().unwrap_or_default()
}

/// A `Content-Type` header's type without parameters, lower-cased; `None` unless it is
/// `token/token` (RFC 6838 name characters), so it is always a valid header value again.
fn essence(header: &str) -> Option<String> {
    let essence = header.split(';').next()?.trim().to_ascii_lowercase();
    let (top, sub) = essence.split_once('/')?;
    let token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    (token(top) && token(sub)).then_some(essence)
}

/// The media type to keep for `bytes` declared as `declared` (the upload's `Content-Type`):
/// the sniffed one where the bytes are recognised, else the declared one.
pub fn media_type_of(declared: Option<&str>, bytes: &[u8]) -> Result<String, ContentRefused> {
    let declared = declared.and_then(essence);
    let Some(sniffed) = infer::get(bytes).map(|kind| kind.mime_type()) else {
        return Ok(declared.unwrap_or_else(|| UNKNOWN_TYPE.to_owned()));
    };
    if matches!(sniffed, "text/html" | "text/xml" | "text/x-shellscript") {
        return Err(ContentRefused::Markup(sniffed.to_owned()));
    }
    let Some(declared) = declared else {
        return Ok(sniffed.to_owned());
    };
    let (declared_top, sniffed_top) = (top_level(&declared), top_level(sniffed));
    match (declared_top, sniffed_top) {
        (declared_top, sniffed_top) if declared_top == sniffed_top => Ok(sniffed.to_owned()),
        // A voice message in an MP4 or WebM container sniffs as video: it is still audio.
        ("audio", "video") => Ok(declared),
        ("image" | "audio" | "video", _) => Err(ContentRefused::Mismatch {
            declared,
            sniffed: sniffed.to_owned(),
        }),
        _ => Ok(sniffed.to_owned()),
    }
}

/// Whether bytes of this type may be shown in the page (`<img>`, `<audio>`, `<video>`) rather
/// than only downloaded. SVG is a document that can run script, so it is a download.
pub fn shown_inline(media_type: &str) -> bool {
    matches!(top_level(media_type), "image" | "audio" | "video") && media_type != "image/svg+xml"
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";

    #[test]
    fn the_sniffed_type_is_kept_when_the_bytes_are_recognised() {
        assert_eq!(
            media_type_of(Some("image/jpeg"), PNG),
            Ok("image/png".to_owned())
        );
        assert_eq!(
            media_type_of(Some("application/octet-stream"), PDF),
            Ok("application/pdf".to_owned())
        );
    }

    #[test]
    fn unrecognised_bytes_keep_the_declared_type_without_parameters() {
        assert_eq!(
            media_type_of(Some("Text/Plain; charset=utf-8"), b"hello"),
            Ok("text/plain".to_owned())
        );
        assert_eq!(media_type_of(None, b"hello"), Ok(UNKNOWN_TYPE.to_owned()));
        assert_eq!(
            media_type_of(Some("nonsense"), b"hello"),
            Ok(UNKNOWN_TYPE.to_owned())
        );
    }

    #[test]
    fn a_declared_picture_that_is_something_else_is_refused() {
        assert!(matches!(
            media_type_of(Some("image/png"), PDF),
            Err(ContentRefused::Mismatch { .. })
        ));
    }

    #[test]
    fn markup_is_refused_whatever_it_is_declared_as() {
        for declared in [Some("image/png"), Some("application/pdf"), None] {
            assert!(matches!(
                media_type_of(declared, b"<html><script>alert(1)</script></html>"),
                Err(ContentRefused::Markup(_))
            ));
        }
    }

    #[test]
    fn svg_is_never_shown_inline() {
        assert!(shown_inline("image/png"));
        assert!(shown_inline("audio/mp4"));
        assert!(!shown_inline("image/svg+xml"));
        assert!(!shown_inline("application/pdf"));
    }
}
