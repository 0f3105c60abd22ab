//! LinkedIn's media hosts: the one allow-list of hosts that pictures (and the bytes of other
//! LinkedIn media) are fetched from, by the backend and by the extension alike.
//!
//! A URL off this list is never fetched nor handed to anyone to fetch, whatever record it came
//! in: an address like `http://127.0.0.1/…` or `http://169.254.169.254/…` in a picture field
//! would otherwise make the fetcher reach into its own network (SSRF).

/// The hosts LinkedIn serves media from: `media.licdn.com`, and the older `media-exp1` and
/// `media-exp2` hosts still found in URLs of 2020–2022 (voyager-api.md §10).
pub const MEDIA_HOSTS: [&str; 3] = [
    "media.licdn.com",
    "media-exp1.licdn.com",
    "media-exp2.licdn.com",
];

/// Whether `host` is one of [`MEDIA_HOSTS`] (exactly, ignoring ASCII case): a look-alike such
/// as `media.licdn.com.evil.example` is not.
pub fn is_media_host(host: &str) -> bool {
    MEDIA_HOSTS
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_linkedins_media_hosts_are_media_hosts() {
        assert!(is_media_host("media.licdn.com"));
        assert!(is_media_host("MEDIA-EXP1.licdn.com"));
        for host in [
            "media.licdn.com.evil.example",
            "static.licdn.com",
            "licdn.com",
            "127.0.0.1",
            "169.254.169.254",
            "",
        ] {
            assert!(!is_media_host(host), "{host}");
        }
    }
}
