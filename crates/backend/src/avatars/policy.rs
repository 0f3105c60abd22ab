//! What the backend accepts as a contact picture, from a download or an upload.

use url::Url;

use crate::secrets::sha256_hex;
use crate::store::AvatarImage;

/// The image types stored.
const IMAGE_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "image/gif"];

/// Where avatars may come from and how big they may be.
#[derive(Debug, Clone)]
pub struct AvatarPolicy {
    /// Exact host names (LinkedIn's media hosts, plus any configured for tests).
    pub hosts: Vec<String>,
    /// Plain http allowed (a local fake in tests only).
    pub allow_http: bool,
    pub max_bytes: usize,
}

impl AvatarPolicy {
    /// Why a URL may not be fetched, if it may not.
    pub fn check_url(&self, raw: &str) -> Result<Url, String> {
        let url = Url::parse(raw).map_err(|_| "not a URL".to_owned())?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            scheme => return Err(format!("{scheme}:// URLs are not fetched, only https://")),
        }
        let host = url.host_str().unwrap_or_default();
        if !self
            .hosts
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(host))
        {
            return Err(format!("{host} is not a LinkedIn media host"));
        }
        Ok(url)
    }

    /// Checks type and size, and that the bytes are the image they claim to be.
    pub fn check_image(&self, content_type: &str, bytes: Vec<u8>) -> Result<AvatarImage, String> {
        let content_type = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if !IMAGE_TYPES.contains(&content_type.as_str()) {
            return Err(format!("{content_type:?} is not an image type"));
        }
        if bytes.len() > self.max_bytes {
            return Err(format!("larger than {} bytes", self.max_bytes));
        }
        if sniff(&bytes) != Some(content_type.as_str()) {
            return Err(format!("the bytes are not a {content_type}"));
        }
        Ok(AvatarImage {
            hash: sha256_hex(&bytes),
            content_type,
            bytes,
        })
    }
}

/// The image type the first bytes announce.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> AvatarPolicy {
        AvatarPolicy {
            hosts: vec!["media.licdn.com".into()],
            allow_http: false,
            max_bytes: 16,
        }
    }

    #[test]
    fn only_https_urls_on_the_allow_list_are_fetched() {
        assert!(
            policy()
                .check_url("https://media.licdn.com/dms/image/x")
                .is_ok()
        );
        assert!(
            policy()
                .check_url("http://media.licdn.com/dms/image/x")
                .is_err()
        );
        assert!(policy().check_url("https://evil.example/x.jpg").is_err());
        assert!(
            policy()
                .check_url("https://media.licdn.com.evil.example/x")
                .is_err()
        );
    }

    #[test]
    fn images_are_checked_for_type_size_and_magic_bytes() {
        let png = b"\x89PNG\r\n\x1a\nabcd".to_vec();
        assert!(policy().check_image("image/png", png.clone()).is_ok());
        assert!(policy().check_image("text/html", png.clone()).is_err());
        assert!(policy().check_image("image/jpeg", png).is_err());
        assert!(policy().check_image("image/png", vec![0x89; 17]).is_err());
    }
}
