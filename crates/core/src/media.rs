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

/// Whether `url` is `https` on one of [`MEDIA_HOSTS`]: the only media the extension fetches
/// with the user's session. No user info, any port (the browser suite maps the host).
pub fn is_media_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = authority.split(':').next().unwrap_or_default();
    is_media_host(host)
}

/// Whether `url` is where LinkedIn serves a message attachment: its own
/// `https://www.linkedin.com/dms/prv/…` paths, or a media host. The only attachment addresses
/// the extension fetches with the user's session, whatever the backend names.
pub fn is_attachment_url(url: &str) -> bool {
    url.strip_prefix("https://www.linkedin.com/dms/prv/")
        .is_some_and(|rest| !rest.is_empty())
        || is_media_url(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_fetched_from_linkedins_private_media_paths_and_media_hosts_only() {
        for url in [
            "https://www.linkedin.com/dms/prv/vid/v2/D4D06AQ/messaging-attachmentFile/x/0/1?e=1",
            "https://media.licdn.com/dms/image/v2/D4D06AQ/feedshare-shrink_800/0?e=1",
        ] {
            assert!(is_attachment_url(url), "{url}");
        }
        for url in [
            "https://www.linkedin.com/voyager/api/me",
            "https://www.linkedin.com/dms/prv/",
            "https://www.linkedin.com.evil.example/dms/prv/x",
            "http://www.linkedin.com/dms/prv/x",
            "https://127.0.0.1/dms/prv/x",
        ] {
            assert!(!is_attachment_url(url), "{url}");
        }
    }

    #[test]
    fn only_https_urls_on_a_media_host_are_media_urls() {
        for url in [
            "https://media.licdn.com/dms/image/v2/C4E03AQ/profile-displayphoto-shrink_100_100/0?e=1",
            "https://media.licdn.com:8443/dms/image/x",
        ] {
            assert!(is_media_url(url), "{url}");
        }
        for url in [
            "http://media.licdn.com/dms/image/x",
            "https://media.licdn.com.evil.example/x",
            "https://evil.example@media.licdn.com/x",
            "https://media.licdn.com@evil.example/x",
            "https://127.0.0.1/x",
            "https://169.254.169.254/latest/meta-data",
            "javascript:alert(1)",
            "",
        ] {
            assert!(!is_media_url(url), "{url}");
        }
    }

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
