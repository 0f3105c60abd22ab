//! Whom a profile URL names: a vanity slug, or (for `/in/ACoA…/`) a profile id.

use std::fmt;

use percent_encoding::percent_decode_str;

use crate::ids::{ProfileId, ProfileUrn, PublicIdentifier};

/// The member a URL (`/in/<slug>/…` or `/in/<ACoA id>/…`) points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PageTarget {
    Slug(PublicIdentifier),
    Id(ProfileUrn),
}

impl PageTarget {
    /// Reads the segment after `/in/`, percent-decoded; anything after it (an overlay, a query)
    /// is ignored. `None` when the URL names no member.
    pub(super) fn from_url(url: &str) -> Option<Self> {
        let path = url.split(['?', '#']).next().unwrap_or_default();
        let mut segments = path.split('/');
        segments.find(|segment| *segment == "in")?;
        let raw = segments.next()?;
        let decoded = percent_decode_str(raw).decode_utf8().ok()?;
        if decoded.starts_with("ACoA")
            && let Ok(id) = ProfileId::parse(&decoded)
        {
            return Some(Self::Id(ProfileUrn::from_id(id)));
        }
        PublicIdentifier::parse(&decoded).ok().map(Self::Slug)
    }

    /// Whether a dash profile with this slug and URN is the member the URL names.
    pub(super) fn is(&self, slug: Option<&str>, urn: &ProfileUrn) -> bool {
        match self {
            Self::Slug(own) => slug.is_some_and(|slug| same_slug(own.as_str(), slug)),
            Self::Id(own) => own == urn,
        }
    }

    /// Whether `other` names someone else; a slug and an id cannot be compared, so they never
    /// contradict each other.
    pub(super) fn contradicts(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Slug(a), Self::Slug(b)) => !same_slug(a.as_str(), b.as_str()),
            (Self::Id(a), Self::Id(b)) => a != b,
            _ => false,
        }
    }

    /// The slug, when the URL had one.
    pub(super) fn slug(&self) -> Option<&PublicIdentifier> {
        match self {
            Self::Slug(slug) => Some(slug),
            Self::Id(_) => None,
        }
    }

    /// The profile URN, when the URL had an id.
    pub(super) fn urn(&self) -> Option<&ProfileUrn> {
        match self {
            Self::Slug(_) => None,
            Self::Id(urn) => Some(urn),
        }
    }
}

impl fmt::Display for PageTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Slug(slug) => slug.fmt(f),
            Self::Id(urn) => urn.fmt(f),
        }
    }
}

/// Slugs are case-insensitive on LinkedIn (`/in/Zoe-Sample/` is `/in/zoe-sample/`).
fn same_slug(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "ACoAAPeer00000000000000000000000000000000";

    #[test]
    fn a_vanity_url_names_its_slug_whatever_follows_it() {
        for url in [
            "https://www.linkedin.com/in/zoe-sample-1234/",
            "https://www.linkedin.com/in/zoe-sample-1234",
            "https://www.linkedin.com/in/zoe-sample-1234/overlay/contact-info/",
            "/in/zoe-sample-1234/?miniProfileUrn=x#top",
        ] {
            let target = PageTarget::from_url(url).unwrap();
            assert_eq!(target.slug().unwrap().as_str(), "zoe-sample-1234", "{url}");
        }
    }

    #[test]
    fn a_percent_encoded_slug_is_decoded() {
        let target = PageTarget::from_url("https://www.linkedin.com/in/j%C3%BCrgen-m%C3%BCller/");
        assert_eq!(target.unwrap().to_string(), "jürgen-müller");
    }

    #[test]
    fn an_acoa_url_names_a_profile_id_not_a_slug() {
        let target = PageTarget::from_url(&format!("https://www.linkedin.com/in/{ID}/")).unwrap();
        assert_eq!(target.urn().unwrap().id().as_str(), ID);
        assert!(target.slug().is_none());
    }

    #[test]
    fn urls_without_a_member_name_nothing() {
        for url in [
            "https://www.linkedin.com/feed/",
            "https://www.linkedin.com/in/",
            "https://www.linkedin.com/in/%FF%FE/",
            "",
        ] {
            assert_eq!(PageTarget::from_url(url), None, "{url}");
        }
    }

    #[test]
    fn slugs_differing_only_in_case_name_the_same_member() {
        let a = PageTarget::from_url("/in/Zoe-Sample/").unwrap();
        let b = PageTarget::from_url("/in/zoe-sample/").unwrap();
        let c = PageTarget::from_url("/in/zoe-other/").unwrap();
        let id = PageTarget::from_url(&format!("/in/{ID}/")).unwrap();
        assert!(!a.contradicts(&b));
        assert!(a.contradicts(&c));
        assert!(!a.contradicts(&id));
    }
}
