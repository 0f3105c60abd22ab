//! The newer server-driven flagship-web page: no `h1`; cards keyed
//! `com.linkedin.sdui.profile.card.ref<ACoA id><Card>` on `componentkey` (or `id`, or
//! `data-component-key`). Everything is read inside the member's own cards.

use percent_encoding::percent_decode_str;
use scraper::{ElementRef, Html};

use super::PageRead;
use super::dom::{
    CONTACT_INFO, all, contact_info_target, first, text_between, text_runs_before, visible_text,
};
use super::experience::first_experience_entry;
use super::target::PageTarget;
use crate::entity::{clean, picture_from_url};
use crate::ids::{ProfileId, ProfileUrn};
use crate::model::Profile;

const CARD_PREFIX: &str = "com.linkedin.sdui.profile.card.ref";
const CARD_KEY_ATTRIBUTES: [&str; 3] = ["componentkey", "id", "data-component-key"];
const TOP_CARD: &str = "Topcard";
const EXPERIENCE_CARD: &str = "ExperienceTopLevelSection";
const NAME: [&str; 2] = [
    r#"[componentkey^="ProfileVerificationTriggerRef-"] h2"#,
    "h2",
];
const MESSAGE: &str = r#"a[href*="/messaging/compose/?profileUrn=urn%3Ali%3Afsd_profile%3A"]"#;
/// The plain photo first; the open-to-work / hiring framed photo when it is all there is.
const AVATAR: [&str; 2] = [
    r#"img[src*="profile-displayphoto"]"#,
    r#"img[src*="profile-framedphoto"]"#,
];
const PARAGRAPHS: &str = "p";
/// What a plain-text line such as the headline never holds.
const CONTROLS: &str = "a, button";

/// A card and the part of its key between the prefix and the card name (the member's id).
#[derive(Clone, Copy)]
struct Card<'a> {
    element: ElementRef<'a>,
    key_middle: &'a str,
}

impl Card<'_> {
    /// The member id in the key, when it looks like one.
    fn profile_id(&self) -> Option<ProfileId> {
        let middle = self.key_middle.trim_start_matches('.');
        middle
            .starts_with("ACo")
            .then(|| ProfileId::parse(middle).ok())
            .flatten()
    }
}

/// Reads a server-driven page, or `None` when it has no top card.
pub(super) fn read(document: &Html, target: &PageTarget) -> Option<PageRead> {
    let top_cards = cards(document, TOP_CARD);
    let top = top_cards
        .iter()
        .find(|card| {
            target
                .urn()
                .is_some_and(|urn| card.profile_id().as_ref() == Some(urn.id()))
        })
        .or(top_cards.first())
        .copied()?;
    let card = top.element;
    let heading = NAME.iter().find_map(|css| {
        all(card, css)
            .into_iter()
            .find(|h2| visible_text(*h2).is_some())
    });
    let full_name = heading.and_then(visible_text);
    let headline = heading.and_then(|heading| headline(card, heading));
    let location = location(card, [&full_name, &headline]);
    let card_id = top.profile_id().map(ProfileUrn::from_id);
    let experience = cards(document, EXPERIENCE_CARD)
        .into_iter()
        .find(|experience| experience.key_middle == top.key_middle)
        .map(|experience| first_experience_entry(&experience_lines(experience.element)))
        .unwrap_or_default();
    let profile = Profile {
        urn: message_urn(card).or_else(|| card_id.clone()),
        full_name,
        headline,
        title: experience.title,
        company: experience.company,
        location,
        picture: AVATAR.iter().find_map(|css| {
            all(card, css)
                .into_iter()
                .find_map(|img| img.attr("src").and_then(picture_from_url))
        }),
        ..Profile::default()
    };
    let shows = contact_info_target(card)
        .into_iter()
        .chain(card_id.map(PageTarget::Id))
        .collect();
    Some(PageRead { profile, shows })
}

/// The cards whose key ends with `name`, in page order.
fn cards<'a>(document: &'a Html, name: &str) -> Vec<Card<'a>> {
    document
        .root_element()
        .descendent_elements()
        .filter_map(|element| {
            let key_middle = CARD_KEY_ATTRIBUTES.iter().find_map(|attribute| {
                element
                    .attr(attribute)?
                    .strip_prefix(CARD_PREFIX)?
                    .strip_suffix(name)
            })?;
            Some(Card {
                element,
                key_middle,
            })
        })
        .collect()
}

/// The headline: the first shown `<p>` that is a sibling of the heading or of one of its
/// wrappers inside the card and holds plain text only, skipping connection-degree markers.
/// Promo and upsell blocks are `div`s, so their paragraphs are never siblings.
///
/// A member may have no headline, and then the name row is followed by lines that are
/// something else (issue 9 item 5). The top card runs degree, headline, location, `·`,
/// Contact info, then the connection and follower counts (voyager-api.md §9.3), so nothing from
/// the location line on is the headline: not the line holding the Contact info link, not a
/// paragraph that the `·` separator joins to that link (the location), nor any paragraph after
/// it. A paragraph holding a link or a button (the counts link to the member's network or
/// followers, mutual connections to a search) is never the headline either, and neither is a
/// connection or follower count in words.
fn headline(card: ElementRef<'_>, heading: ElementRef<'_>) -> Option<String> {
    let contact_info = first(card, CONTACT_INFO);
    let mut level = heading;
    while level.id() != card.id() {
        for sibling in level.next_siblings().filter_map(ElementRef::wrap) {
            if sibling.value().name() != "p" {
                continue;
            }
            let Some(text) = visible_text(sibling) else {
                continue;
            };
            if is_degree(&text) {
                continue;
            }
            if let Some(link) = contact_info {
                match text_between(card, sibling, link) {
                    Some(between) if !is_location_line(&text, &between) => {}
                    _ => return None,
                }
            }
            if first(sibling, CONTROLS).is_none() && !is_count(&text) {
                return Some(text);
            }
        }
        level = level.parent().and_then(ElementRef::wrap)?;
    }
    None
}

/// Whether a paragraph with this text, followed by `between` and then the Contact info link, is
/// the location line: only the `·` separator stands between it and the link.
fn is_location_line(text: &str, between: &str) -> bool {
    between.chars().all(|c| c == '·' || c.is_whitespace())
        && format!("{text}{between}").trim_end().ends_with('·')
}

/// `500+ connections`, `12,480 followers`, `1.2K followers · 500+ connections`.
fn is_count(text: &str) -> bool {
    text.trim_start_matches(['·', ' ']).split('·').all(|part| {
        let mut words = part.split_whitespace();
        let (Some(number), Some(noun), None) = (words.next(), words.next(), words.next()) else {
            return false;
        };
        number.starts_with(|c: char| c.is_ascii_digit())
            && number
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '+' | 'K' | 'M'))
            && matches!(
                noun,
                "connection" | "connections" | "follower" | "followers"
            )
    })
}

/// `· 2nd`, `1st`, `3rd+`, `2nd degree connection`.
fn is_degree(text: &str) -> bool {
    let bare = text.trim_start_matches(['·', ' ']);
    matches!(bare, "1st" | "2nd" | "3rd" | "3rd+") || bare.ends_with("degree connection")
}

/// The last shown text run before the Contact info link, unless it is the name, the headline
/// or a degree marker (then the card shows no location).
fn location(card: ElementRef<'_>, known: [&Option<String>; 2]) -> Option<String> {
    let link = first(card, CONTACT_INFO)?;
    let runs = text_runs_before(card, link);
    let last = runs
        .iter()
        .rev()
        .find_map(|run| clean(run.trim_matches(|c: char| c == '·' || c.is_whitespace())))?;
    let repeats = known
        .iter()
        .any(|known| known.as_deref() == Some(last.as_str()));
    (!repeats && !is_degree(&last)).then_some(last)
}

/// The `profileUrn` of the card's Message link, percent-decoded.
fn message_urn(card: ElementRef<'_>) -> Option<ProfileUrn> {
    let href = first(card, MESSAGE)?.attr("href")?;
    let (_, query) = href.split_once('?')?;
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("profileUrn="))?;
    let urn = percent_decode_str(value).decode_utf8().ok()?;
    ProfileUrn::parse(&urn).ok()
}

/// The shown paragraphs of the Experience card, its heading excluded.
fn experience_lines(card: ElementRef<'_>) -> Vec<String> {
    all(card, PARAGRAPHS)
        .into_iter()
        .filter(|p| {
            !p.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|ancestor| ancestor.value().name() == "h2")
        })
        .filter_map(visible_text)
        .filter(|line| line != "Experience")
        .collect()
}

#[cfg(test)]
mod tests {
    use scraper::Selector;

    use super::*;

    const ID: &str = "ACoAAPeer00000000000000000000000000000000";

    fn page(top_card: &str, rest: &str) -> Html {
        Html::parse_document(&format!(
            r#"<html><body><main><div componentkey="{CARD_PREFIX}{ID}{TOP_CARD}">{top_card}</div>{rest}</main></body></html>"#
        ))
    }

    fn read_slug(html: &Html) -> Profile {
        read(html, &PageTarget::from_url("/in/zoe-sample/").unwrap())
            .unwrap()
            .profile
    }

    #[test]
    fn every_selector_is_valid_css() {
        for css in NAME
            .iter()
            .chain(&AVATAR)
            .chain(&[MESSAGE, PARAGRAPHS, CONTROLS])
        {
            assert!(Selector::parse(css).is_ok(), "{css}");
        }
    }

    #[test]
    fn the_headline_is_a_sibling_paragraph_not_a_promo_or_a_degree() {
        let html = page(
            r#"<section><div><div><a componentkey="ProfileVerificationTriggerRef-zoe-sample"><div><h2>Zoe Sample</h2></div></a><p style="display:none">· 1st</p><p>· 2nd</p></div>
               <div><p>Verify in 2 minutes</p></div></div>
               <p>Data engineer</p><p>Fictional Robotics · Example University</p>
               <div><span>Porto, Portugal</span><span> · </span><a href="/in/zoe-sample/overlay/contact-info/">Contact info</a></div></section>"#,
            "",
        );
        let profile = read_slug(&html);
        assert_eq!(profile.full_name.as_deref(), Some("Zoe Sample"));
        assert_eq!(profile.headline.as_deref(), Some("Data engineer"));
        assert_eq!(profile.location.as_deref(), Some("Porto, Portugal"));
        assert_eq!(profile.urn.unwrap().id().as_str(), ID);
    }

    #[test]
    fn no_location_is_invented_from_the_headline() {
        let html = page(
            r#"<h2>Zoe Sample</h2><p>Data engineer</p><a href="/in/zoe-sample/overlay/contact-info/">Contact info</a>"#,
            "",
        );
        let profile = read_slug(&html);
        assert_eq!(profile.headline.as_deref(), Some("Data engineer"));
        assert_eq!(profile.location, None);
    }

    #[test]
    fn without_a_headline_the_contact_info_line_and_the_counts_after_it_are_not_read() {
        let html = page(
            r#"<section><div><a componentkey="ProfileVerificationTriggerRef-zoe-sample"><h2>Zoe Sample</h2></a><p>· 2nd</p></div>
               <div><p>Verify in 2 minutes</p></div>
               <p><span>Porto, Portugal</span> <span>·</span> <a href="/in/zoe-sample/overlay/contact-info/">Contact info</a></p>
               <p>1,204 followers</p><p>Opening soon</p></section>"#,
            "",
        );
        let profile = read_slug(&html);
        assert_eq!(profile.headline, None);
        assert_eq!(profile.location.as_deref(), Some("Porto, Portugal"));
    }

    #[test]
    fn a_location_joined_to_contact_info_by_the_separator_is_not_the_headline() {
        for separator in ["<span>·</span>", ""] {
            let location = if separator.is_empty() {
                "Porto, Portugal ·"
            } else {
                "Porto, Portugal"
            };
            let html = page(
                &format!(
                    r#"<h2>Zoe Sample</h2><p>{location}</p>{separator}<a href="/in/zoe-sample/overlay/contact-info/">Contact info</a>"#
                ),
                "",
            );
            let profile = read_slug(&html);
            assert_eq!(profile.headline, None, "{location}");
            assert_eq!(profile.location.as_deref(), Some("Porto, Portugal"));
        }
        let html = page(
            r#"<h2>Zoe Sample</h2><p>Data engineer</p><p>Porto, Portugal</p><span>·</span><a href="/in/zoe-sample/overlay/contact-info/">Contact info</a>"#,
            "",
        );
        let profile = read_slug(&html);
        assert_eq!(profile.headline.as_deref(), Some("Data engineer"));
        assert_eq!(profile.location.as_deref(), Some("Porto, Portugal"));
    }

    #[test]
    fn without_contact_info_links_and_counts_are_still_not_the_headline() {
        let html = page(
            r#"<h2>Zoe Sample</h2><p><a href="/search/results/people/?network=%5B%22F%22%5D">Ana Lima and 3 other mutual connections</a></p>
               <p>12K followers · 500+ connections</p><p><button>Follow</button></p>"#,
            "",
        );
        assert_eq!(read_slug(&html).headline, None);
        let html = page(
            r#"<h2>Zoe Sample</h2><p>1,204 followers</p><p>Data engineer</p>"#,
            "",
        );
        assert_eq!(read_slug(&html).headline.as_deref(), Some("Data engineer"));
    }

    #[test]
    fn counts_are_told_from_headlines() {
        for count in [
            "500+ connections",
            "1 connection",
            "12,480 followers",
            "1.2K followers",
            "· 3M followers · 500+ connections",
        ] {
            assert!(is_count(count), "{count}");
        }
        for headline in [
            "500 connections made",
            "Connections matter",
            "Helping 500+ founders",
            "2 followers of Christ",
            "3rd+",
        ] {
            assert!(!is_count(headline), "{headline}");
        }
    }

    #[test]
    fn the_message_link_gives_the_member_urn() {
        let other = "ACoAAOther0000000000000000000000000000000";
        let html = page(
            &format!(
                r#"<h2>Zoe Sample</h2><a href="https://www.linkedin.com/messaging/compose/?profileUrn=urn%3Ali%3Afsd_profile%3A{other}&amp;recipient={other}">Message</a>"#
            ),
            "",
        );
        assert_eq!(read_slug(&html).urn.unwrap().id().as_str(), other);
    }

    #[test]
    fn a_group_of_roles_in_the_experience_card_gives_the_newest_role() {
        let html = page(
            "<h2>Zoe Sample</h2>",
            &format!(
                r#"<div componentkey="{CARD_PREFIX}{ID}{EXPERIENCE_CARD}"><section><h2><p>Experience</p></h2>
                <div><a href="/company/1/"><p>Fictional Robotics</p><p>Full-time · 6 yrs</p></a>
                <ul><li><p>Staff data engineer</p><p>Jan 2023 - Present · 3 yrs</p></li><li><p>Data engineer</p></li></ul></div></section></div>"#
            ),
        );
        let profile = read_slug(&html);
        assert_eq!(profile.title.as_deref(), Some("Staff data engineer"));
        assert_eq!(profile.company.as_deref(), Some("Fictional Robotics"));
    }

    #[test]
    fn another_members_experience_card_is_not_read() {
        let html = page(
            "<h2>Zoe Sample</h2>",
            &format!(
                r#"<div componentkey="{CARD_PREFIX}ACoAAOther0000000000000000000000000000000{EXPERIENCE_CARD}"><p>CEO</p><p>Elsewhere</p></div>"#
            ),
        );
        let profile = read_slug(&html);
        assert_eq!((profile.title, profile.company), (None, None));
    }

    #[test]
    fn a_framed_photo_is_used_when_there_is_no_plain_one() {
        let html = page(
            r#"<h2>Zoe Sample</h2><img src="https://media.licdn.com/dms/image/v2/D4EFramed/profile-framedphoto-shrink_400_400/0/1?e=1">"#,
            "",
        );
        assert_eq!(
            read_slug(&html).picture.unwrap().asset_id.as_deref(),
            Some("D4EFramed")
        );
    }
}
