//! Profile pages (`/in/<id>/`) read with `scraper`, in both page styles LinkedIn serves.
//!
//! - [`PageStyle::ServerDriven`] pages are recognised by their top card's `componentkey`;
//!   see `server_driven`.
//! - [`PageStyle::Ember`] pages by their `h1` name or an embedded `<code>` blob about the
//!   member; see `ember` and `embedded`.
//!
//! The URL decides whom the page is about. Embedded data about anyone else (the viewer, a
//! profile viewed before an SPA navigation) is ignored, and a top card that names someone else
//! is refused as [`ProfilePageError::AnotherProfile`].

mod dom;
mod embedded;
mod ember;
mod experience;
mod server_driven;
mod target;

use scraper::Html;
use serde::{Deserialize, Serialize};

use crate::entity::with_headline_position;
use crate::model::Profile;
use target::PageTarget;

/// Which client rendered the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PageStyle {
    /// The older Ember app: `h1`, top-card classes, `<code>` JSON blobs.
    Ember,
    /// The newer server-driven flagship-web: `componentkey` anchors, no `h1`.
    ServerDriven,
}

/// What a profile page showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileCapture {
    /// The client that rendered the page.
    pub style: PageStyle,
    /// The member, as far as the page told. `first_name`/`last_name` come only from embedded
    /// JSON; pages show just the full name.
    pub profile: Profile,
}

/// Why a page could not be read as a profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfilePageError {
    /// The URL is not `/in/<public identifier or profile id>/…`.
    #[error("not a profile URL (expected /in/<id>/): {0}")]
    NotAProfileUrl(String),
    /// Neither page style was recognised.
    #[error("this page does not look like a LinkedIn profile")]
    NotAProfile,
    /// The top card names another member than the URL: the single-page app has changed the
    /// URL but not yet the page. Read the page again once it has rendered.
    #[error("the page still shows another profile ({shown}); read it again once it has loaded")]
    AnotherProfile {
        /// The slug or URN the top card names.
        shown: String,
    },
}

/// Reads a profile page's HTML; `page_url` gives the public identifier and scopes embedded data.
pub fn parse_profile_page(html: &str, page_url: &str) -> Result<ProfileCapture, ProfilePageError> {
    let target = PageTarget::from_url(page_url)
        .ok_or_else(|| ProfilePageError::NotAProfileUrl(page_url.chars().take(200).collect()))?;
    let document = Html::parse_document(html);
    let (style, read) = if let Some(read) = server_driven::read(&document, &target) {
        (PageStyle::ServerDriven, read)
    } else if let Some(read) = ember::read(&document, &target) {
        (PageStyle::Ember, read)
    } else {
        return Err(ProfilePageError::NotAProfile);
    };
    if let Some(other) = read.shows.iter().find(|shown| target.contradicts(shown)) {
        return Err(ProfilePageError::AnotherProfile {
            shown: other.to_string(),
        });
    }
    let mut profile = read.profile;
    profile.urn = profile.urn.or_else(|| target.urn().cloned());
    profile.public_identifier = profile
        .public_identifier
        .or_else(|| target.slug().cloned())
        .or_else(|| read.shows.iter().find_map(|shown| shown.slug().cloned()));
    Ok(ProfileCapture {
        style,
        profile: with_headline_position(profile),
    })
}

/// What one page style read, and whom the page itself says it shows (Contact info link, card key).
struct PageRead {
    profile: Profile,
    shows: Vec<PageTarget>,
}

/// `known` with its missing fields taken from `more`.
fn fill_missing(known: Profile, more: Profile) -> Profile {
    Profile {
        urn: known.urn.or(more.urn),
        public_identifier: known.public_identifier.or(more.public_identifier),
        first_name: known.first_name.or(more.first_name),
        last_name: known.last_name.or(more.last_name),
        full_name: known.full_name.or(more.full_name),
        headline: known.headline.or(more.headline),
        title: known.title.or(more.title),
        company: known.company.or(more.company),
        location: known.location.or(more.location),
        picture: known.picture.or(more.picture),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const URL: &str = "https://www.linkedin.com/in/zoe-sample/";

    fn ember(top_card: &str) -> String {
        format!("<html><body><main><section>{top_card}</section></main></body></html>")
    }

    #[test]
    fn a_page_of_neither_style_is_not_a_profile() {
        for html in [
            "",
            "<html><body><h2>Feed</h2><p>Hello</p></body></html>",
            "\u{0}<<>>",
        ] {
            assert_eq!(
                parse_profile_page(html, URL),
                Err(ProfilePageError::NotAProfile)
            );
        }
    }

    #[test]
    fn a_url_that_names_no_member_is_refused() {
        let page = ember("<h1>Zoe Sample</h1>");
        assert!(matches!(
            parse_profile_page(&page, "https://www.linkedin.com/feed/"),
            Err(ProfilePageError::NotAProfileUrl(_))
        ));
    }

    #[test]
    fn a_top_card_of_another_member_is_refused_as_not_yet_loaded() {
        let page = ember(
            r#"<h1>Jonas Lindqvist</h1><a href="/in/jonas-lindqvist/overlay/contact-info/">Contact info</a>"#,
        );
        assert_eq!(
            parse_profile_page(&page, URL),
            Err(ProfilePageError::AnotherProfile {
                shown: "jonas-lindqvist".to_owned()
            })
        );
        let same = page.replace("jonas-lindqvist", "Zoe-Sample");
        assert!(parse_profile_page(&same, URL).is_ok());
    }

    #[test]
    fn an_acoa_url_takes_the_slug_from_the_contact_info_link() {
        let id = "ACoAAPeer00000000000000000000000000000000";
        let page = ember(
            r#"<h1>Zoe Sample</h1><a href="/in/zoe-sample/overlay/contact-info/">Contact info</a>"#,
        );
        let capture =
            parse_profile_page(&page, &format!("https://www.linkedin.com/in/{id}/")).unwrap();
        assert_eq!(capture.profile.urn.unwrap().id().as_str(), id);
        assert_eq!(
            capture.profile.public_identifier.unwrap().as_str(),
            "zoe-sample"
        );
    }

    #[test]
    fn a_headline_title_is_dropped_when_its_company_is_not_the_current_one() {
        let page = ember(
            r#"<h1>Zoe Sample</h1><div class="text-body-medium break-words">Engineer at OldCo</div>
            <button aria-label="Current company: NewCo. Click to skip to experience card">NewCo</button>"#,
        );
        let profile = parse_profile_page(&page, URL).unwrap().profile;
        assert_eq!(profile.company.as_deref(), Some("NewCo"));
        assert_eq!(profile.title, None);
        let agreeing = page.replace("OldCo", "newco");
        let profile = parse_profile_page(&agreeing, URL).unwrap().profile;
        assert_eq!(profile.title.as_deref(), Some("Engineer"));
        assert_eq!(profile.company.as_deref(), Some("NewCo"));
    }

    #[test]
    fn a_server_driven_page_under_an_acoa_url_is_read_from_that_members_top_card() {
        let (id, other) = (
            "ACoAAPeer00000000000000000000000000000000",
            "ACoAAOther0000000000000000000000000000000",
        );
        let card = |id: &str, name: &str| {
            format!(
                r#"<div componentkey="com.linkedin.sdui.profile.card.ref{id}Topcard"><h2>{name}</h2></div>"#
            )
        };
        let page = format!(
            "<main>{}{}</main>",
            card(other, "Stale Card"),
            card(id, "Zoe Sample")
        );
        let url = format!("https://www.linkedin.com/in/{id}/");
        let capture = parse_profile_page(&page, &url).unwrap();
        assert_eq!(capture.style, PageStyle::ServerDriven);
        assert_eq!(capture.profile.full_name.as_deref(), Some("Zoe Sample"));
        assert_eq!(capture.profile.urn.unwrap().id().as_str(), id);
        assert_eq!(capture.profile.public_identifier, None);

        let only_stale = format!("<main>{}</main>", card(other, "Stale Card"));
        assert_eq!(
            parse_profile_page(&only_stale, &url),
            Err(ProfilePageError::AnotherProfile {
                shown: format!("urn:li:fsd_profile:{other}")
            })
        );
    }

    /// Fragments of both page styles, so that random pages reach past the first `if`.
    fn fragments() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "<main>",
            "<section>",
            "</section>",
            "<h1 class=\"text-heading-xlarge\">",
            "<h2>",
            "</h2>",
            "<p>",
            "</p>",
            "<div componentkey=\"com.linkedin.sdui.profile.card.refACoAAPeer00000000000000000000000000000000Topcard\">",
            "<div id=\"com.linkedin.sdui.profile.card.refTopcard\">",
            "<div componentkey=\"com.linkedin.sdui.profile.card.refACoAAPeer00000000000000000000000000000000ExperienceTopLevelSection\">",
            "</div>",
            "<a href=\"/in/zoe-sample/overlay/contact-info/\">",
            "<a href=\"/messaging/compose/?profileUrn=urn%3Ali%3Afsd_profile%3A",
            "</a>",
            "<img src=\"https://media.licdn.com/dms/image/v2/D4E/profile-displayphoto-shrink_",
            "<code id=\"datalet-bpr-guid-1\">{\"status\":200,\"body\":\"bpr-guid-1\"}</code>",
            "<code id=\"bpr-guid-1\">{&quot;included&quot;:[{&quot;entityUrn&quot;:&quot;urn:li:fsd_profile:ACoAAPeer00000000000000000000000000000000&quot;,&quot;publicIdentifier&quot;:&quot;zoe-sample&quot;",
            "<button aria-label=\"Current company:",
            "<span class=\"visually-hidden\">",
            " · ",
            "Zoe at Acme",
            "2nd",
            "\u{200F}",
            "&amp;",
            "\"",
            ">",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(html in any::<String>(), url in any::<String>()) {
            let _ = parse_profile_page(&html, &url);
            let _ = parse_profile_page(&html, URL);
        }

        #[test]
        fn arbitrary_mixes_of_profile_markup_never_panic(html in fragments()) {
            let _ = parse_profile_page(&html, URL);
            let _ = parse_profile_page(&html, "/in/ACoAAPeer00000000000000000000000000000000/");
        }
    }
}
