//! `media.licdn.com`: signed, expiring profile picture URLs and the images behind them.
//!
//! The server answers them when the request's `Host` is `media.licdn.com` (the browser suite
//! maps that host to this server) and, for native clients, under the path prefix `/media`:
//! `http://127.0.0.1:PORT/media/dms/image/v2/…` is the same resource. The signature `t=` covers
//! the path from `/dms/` on plus `e=`, so both forms verify. Message attachments are signed the
//! same way ([`crate::attachments`]).

use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::write::ZlibEncoder;

use crate::data::{Account, PictureAsset};
use crate::rng::keyed_hash;

/// The sizes every picture comes in.
pub const SIZES: [u32; 4] = [100, 200, 400, 800];

/// What rendering picture and attachment URLs needs.
#[derive(Debug, Clone)]
pub struct MediaCtx {
    /// `https://media.licdn.com` or `<server>/media`.
    pub base: String,
    /// The signing key.
    pub key: Vec<u8>,
    /// `e=`: expiry in Unix seconds.
    pub expires: i64,
    /// Where message attachments live: `https://www.linkedin.com` or `<server>`.
    pub attachment_base: String,
    /// `e=` of attachment URLs.
    pub attachment_expires: i64,
}

/// Seconds since the Unix epoch by the real clock.
pub fn unix_now() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}

/// The `t=` signature of a path (from `/dms/`) and expiry.
pub fn sign(key: &[u8], path: &str, expires: i64) -> String {
    let hash = keyed_hash(key, format!("{path}?e={expires}").as_bytes());
    URL_SAFE_NO_PAD.encode(hash.to_be_bytes())
}

/// The path of one size of a display photo.
pub fn photo_path(asset: &PictureAsset, width: u32) -> String {
    format!(
        "/dms/image/v2/{}/profile-displayphoto-shrink_{width}_{width}/profile-displayphoto-shrink_{width}_{width}/0/{}",
        asset.asset, asset.uploaded_at
    )
}

/// `rootUrl` and, per size, `(width, fileIdentifyingUrlPathSegment)`.
pub fn photo_parts(ctx: &MediaCtx, asset: &PictureAsset) -> (String, Vec<(u32, String)>) {
    let root = format!(
        "{}/dms/image/v2/{}/profile-displayphoto-shrink_",
        ctx.base, asset.asset
    );
    let segments = SIZES
        .iter()
        .map(|&w| {
            let path = photo_path(asset, w);
            let signature = sign(&ctx.key, &path, ctx.expires);
            let segment = format!(
                "{w}_{w}/profile-displayphoto-shrink_{w}_{w}/0/{}?e={}&v=beta&t={signature}",
                asset.uploaded_at, ctx.expires
            );
            (w, segment)
        })
        .collect();
    (root, segments)
}

/// The full URL of one size, with a given expiry.
pub fn photo_url(ctx: &MediaCtx, asset: &PictureAsset, width: u32) -> String {
    let path = photo_path(asset, width);
    let signature = sign(&ctx.key, &path, ctx.expires);
    format!("{}{path}?e={}&v=beta&t={signature}", ctx.base, ctx.expires)
}

fn forbidden(body: &'static str) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain")],
        body,
    )
        .into_response()
}

/// Checks the `e=` and `t=` of a signed URL: the CDN's 403 when the signature does not match or
/// has expired, `None` when it holds.
pub fn refuse_signature(key: &[u8], path: &str, query: &str) -> Option<Response> {
    let param = |name: &str| {
        query.split('&').find_map(|pair| {
            pair.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
        })
    };
    let expires = param("e").and_then(|e| e.parse::<i64>().ok());
    let (Some(expires), Some(signature)) = (expires, param("t")) else {
        return Some(forbidden("Forbidden"));
    };
    if sign(key, path, expires) != signature {
        return Some(forbidden("Forbidden"));
    }
    (expires <= unix_now()).then(|| forbidden("deny-expired-url"))
}

/// Whether a request looks like it comes from a browser rather than a server.
fn looks_like_browser(headers: &HeaderMap) -> bool {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    headers.contains_key("sec-fetch-mode") || user_agent.starts_with("Mozilla/")
}

/// Serves `path` (from `/dms/`) with the raw `query`.
pub fn serve(
    account: &Account,
    key: &[u8],
    path: &str,
    query: &str,
    headers: &HeaderMap,
) -> Response {
    let parts: Vec<&str> = path.split('/').collect();
    // ["", "dms", "image", "v2", asset, "profile-displayphoto-shrink_W_W", …]
    let (Some(asset), Some(size)) = (parts.get(4), parts.get(5)) else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    if let Some(refusal) = refuse_signature(key, path, query) {
        return refusal;
    }
    let Some(member) = account.member_by_asset(asset) else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    let Some(picture) = &member.picture else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    if picture.browser_only && !looks_like_browser(headers) {
        return forbidden("Forbidden");
    }
    let width = size
        .rsplit('_')
        .next()
        .and_then(|w| w.parse::<u32>().ok())
        .unwrap_or(100)
        .clamp(16, 800);
    match png(width, width, picture.color) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "max-age=604800"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// An RGB PNG: one colour with a lighter diagonal band.
pub fn png(width: u32, height: u32, color: [u8; 3]) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::with_capacity((height * (width * 3 + 1)) as usize);
    for y in 0..height {
        raw.push(0);
        for x in 0..width {
            let band = x.abs_diff(y) < width.min(height) / 8;
            let pixel = if band {
                color.map(|c| c / 2 + 127)
            } else {
                color
            };
            raw.extend_from_slice(&pixel);
        }
    }
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(&raw)?;
    let compressed = encoder.finish()?;
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &compressed);
    chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_has_a_valid_signature_and_crc() {
        let bytes = png(16, 16, [10, 20, 30]).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert!(bytes.ends_with(&[0xAE, 0x42, 0x60, 0x82]));
    }

    #[test]
    fn signatures_cover_path_and_expiry() {
        assert_ne!(sign(b"k", "/dms/a", 1), sign(b"k", "/dms/a", 2));
        assert_ne!(sign(b"k", "/dms/a", 1), sign(b"k", "/dms/b", 1));
    }
}
