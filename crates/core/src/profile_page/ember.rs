//! The older Ember page: an `h1` name, top-card utility classes, `<code>` JSON blobs.
//!
//! The DOM is read only inside the top card (the `section` holding the name), so the viewer's
//! own avatar in the global nav and the "People also viewed" rail never leak in.

use scraper::{ElementRef, Html};

use super::dom::{CONTACT_INFO, all, contact_info_target, first, visible_text};
use super::target::PageTarget;
use super::{PageRead, embedded, fill_missing};
use crate::entity::{clean, picture_from_url};
use crate::model::Profile;

const NAME: [&str; 2] = ["h1.text-heading-xlarge", "main h1"];
const HEADLINE: &str = ".text-body-medium.break-words";
const LOCATION: &str = "span.text-body-small.inline.t-black--light.break-words";
const AVATAR: [&str; 4] = [
    "img.pv-top-card-profile-picture__image--show",
    "img.profile-photo-edit__preview",
    ".pv-top-card__photo-wrapper img",
    r#"img[src*="profile-displayphoto"]"#,
];
const CURRENT_COMPANY: &str = r#"button[aria-label^="Current company:"]"#;

/// Reads an Ember page: the blobs' profile of `target` first, the top card's DOM for the rest.
/// `None` when the page has neither a top card (a name heading with a headline or a Contact
/// info link beside it; a bare `h1`, as on an error page, is not one) nor a blob about `target`.
pub(super) fn read(document: &Html, target: &PageTarget) -> Option<PageRead> {
    let from_json = embedded::read(document, target);
    let top_card = NAME
        .iter()
        .find_map(|css| first(document.root_element(), css))
        .map(|name| (name, top_card_of(name, document)))
        .filter(|(_, card)| {
            first(*card, HEADLINE).is_some() || first(*card, CONTACT_INFO).is_some()
        });
    let shows = top_card.and_then(|(_, card)| contact_info_target(card));
    let from_dom = top_card.map(|(name, card)| read_top_card(name, card));
    let profile = match (from_json, from_dom) {
        (None, None) => return None,
        (Some(json), Some(dom)) => fill_missing(json, dom),
        (json, dom) => json.or(dom).unwrap_or_default(),
    };
    Some(PageRead {
        profile,
        shows: shows.into_iter().collect(),
    })
}

/// The nearest `section` around the name, else `main`, else the whole page.
fn top_card_of<'a>(name: ElementRef<'a>, document: &'a Html) -> ElementRef<'a> {
    name.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|ancestor| ancestor.value().name() == "section")
        .or_else(|| first(document.root_element(), "main"))
        .unwrap_or_else(|| document.root_element())
}

fn read_top_card(name: ElementRef<'_>, card: ElementRef<'_>) -> Profile {
    Profile {
        full_name: visible_text(name),
        headline: first(card, HEADLINE).and_then(visible_text),
        location: first(card, LOCATION).and_then(visible_text),
        company: first(card, CURRENT_COMPANY)
            .and_then(|button| button.attr("aria-label"))
            .and_then(current_company),
        picture: AVATAR.iter().find_map(|css| {
            all(card, css).into_iter().find_map(|img| {
                ["src", "data-delayed-url"]
                    .iter()
                    .filter_map(|attr| img.attr(attr))
                    .find_map(picture_from_url)
            })
        }),
        ..Profile::default()
    }
}

/// `Current company: Acme Corp. Click to skip to experience card` → `Acme Corp`.
fn current_company(label: &str) -> Option<String> {
    let (_, rest) = label.split_once(':')?;
    let name = rest.split(". Click").next().unwrap_or_default();
    clean(name)
}

#[cfg(test)]
mod tests {
    use scraper::Selector;

    use super::*;

    #[test]
    fn every_selector_is_valid_css() {
        for css in NAME
            .iter()
            .chain(&AVATAR)
            .chain(&[HEADLINE, LOCATION, CURRENT_COMPANY])
        {
            assert!(Selector::parse(css).is_ok(), "{css}");
        }
    }

    #[test]
    fn the_current_company_is_the_label_after_the_colon() {
        assert_eq!(
            current_company("Current company: DeepLearning.AI. Click to skip to experience card")
                .as_deref(),
            Some("DeepLearning.AI")
        );
        assert_eq!(
            current_company("Current company: Acme").as_deref(),
            Some("Acme")
        );
        assert_eq!(current_company("Current company:"), None);
    }

    #[test]
    fn the_nav_avatar_of_the_viewer_is_not_the_members_avatar() {
        let html = Html::parse_document(
            r#"<header><img class="global-nav__me-photo" src="https://media.licdn.com/dms/image/v2/D4EViewer/profile-displayphoto-shrink_100_100/0/1?e=1"></header>
            <main><section><h1 class="text-heading-xlarge">Zoe Sample</h1><div class="text-body-medium break-words">Data engineer</div></section></main>"#,
        );
        let target = PageTarget::from_url("/in/zoe-sample/").unwrap();
        let read = read(&html, &target).unwrap();
        assert_eq!(read.profile.full_name.as_deref(), Some("Zoe Sample"));
        assert_eq!(read.profile.picture, None);
    }

    #[test]
    fn a_bare_heading_is_not_a_top_card() {
        let html = Html::parse_document(
            "<main><section><h1>This page doesn’t exist</h1><p>Please check your URL.</p></section></main>",
        );
        let target = PageTarget::from_url("/in/zoe-sample/").unwrap();
        assert!(read(&html, &target).is_none());
    }

    #[test]
    fn a_lazy_avatar_is_read_from_its_delayed_url() {
        let html = Html::parse_document(
            r#"<main><section><h1>Zoe Sample</h1><a href="/in/zoe-sample/overlay/contact-info/">Contact info</a><div class="pv-top-card__photo-wrapper"><img src="data:image/gif;base64,R0lGOD" data-delayed-url="https://media.licdn.com/dms/image/v2/D4EZoe/profile-displayphoto-shrink_200_200/0/1?e=1"></div></section></main>"#,
        );
        let target = PageTarget::from_url("/in/zoe-sample/").unwrap();
        let picture = read(&html, &target).unwrap().profile.picture.unwrap();
        assert_eq!(picture.asset_id.as_deref(), Some("D4EZoe"));
    }
}
