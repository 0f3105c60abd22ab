//! Small helpers over `scraper`: selection without panics, and the text a reader sees.

use std::ops::Deref;

use scraper::node::Element;
use scraper::{ElementRef, Selector};

use super::target::PageTarget;
use crate::entity::clean;

/// The Contact info link of a top card, in both page styles: `/in/<slug>/overlay/contact-info/`.
pub(super) const CONTACT_INFO: &str = r#"a[href*="/overlay/contact-info/"]"#;

/// The first element under `scope` matching `css`; an invalid selector matches nothing.
pub(super) fn first<'a>(scope: ElementRef<'a>, css: &str) -> Option<ElementRef<'a>> {
    let selector = Selector::parse(css).ok()?;
    scope.select(&selector).next()
}

/// Every element under `scope` matching `css`, in document order.
pub(super) fn all<'a>(scope: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    Selector::parse(css)
        .map(|selector| scope.select(&selector).collect())
        .unwrap_or_default()
}

/// Whether an element's text is not shown to the reader: scripts and templates, Ember's
/// `visually-hidden` twins, and elements hidden by attribute or inline style.
pub(super) fn is_hidden(element: &Element) -> bool {
    let style_hides = element.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none") || style.contains("visibility:hidden")
    });
    matches!(element.name(), "script" | "style" | "template" | "noscript")
        || element.classes().any(|class| class == "visually-hidden")
        || element.attr("hidden").is_some()
        || style_hides
}

/// A node of a parsed document (`ego_tree`'s handle, named without depending on `ego_tree`).
type NodeRef<'a> = <ElementRef<'a> as Deref>::Target;

/// Whether `node` or one of its ancestors up to `scope` (both included) is hidden.
fn hidden_within(node: NodeRef<'_>, scope: ElementRef<'_>) -> bool {
    let scope_id = scope.id();
    let mut current = Some(node);
    while let Some(at) = current {
        if at.value().as_element().is_some_and(is_hidden) {
            return true;
        }
        if at.id() == scope_id {
            return false;
        }
        current = at.parent();
    }
    false
}

/// The shown text of an element, cleaned (see [`clean`]).
pub(super) fn visible_text(element: ElementRef<'_>) -> Option<String> {
    let text: String = element
        .descendants()
        .filter(|node| node.value().is_text() && !hidden_within(*node, element))
        .filter_map(|node| node.value().as_text().map(|text| &**text))
        .collect();
    clean(&text)
}

/// The shown text under `scope` that comes before `stop`, as runs: consecutive text nodes of
/// the same parent element (React splits one string into several nodes around comments).
pub(super) fn text_runs_before(scope: ElementRef<'_>, stop: ElementRef<'_>) -> Vec<String> {
    let mut runs: Vec<(Option<_>, String)> = Vec::new();
    for node in scope.descendants() {
        if node.id() == stop.id() {
            break;
        }
        let Some(text) = node.value().as_text() else {
            continue;
        };
        if hidden_within(node, scope) {
            continue;
        }
        let parent = node.parent().map(|parent| parent.id());
        match runs.last_mut() {
            Some((last_parent, run)) if *last_parent == parent => run.push_str(text),
            _ => runs.push((parent, text.to_string())),
        }
    }
    runs.into_iter().map(|(_, run)| run).collect()
}

/// The shown text under `scope` after `from` (its own text excluded) and before `stop`, or
/// `None` when `stop` does not come after `from` (it precedes it, or lies inside it).
pub(super) fn text_between(
    scope: ElementRef<'_>,
    from: ElementRef<'_>,
    stop: ElementRef<'_>,
) -> Option<String> {
    let mut seen_from = false;
    let mut text = String::new();
    for node in scope.descendants() {
        let within_from = node.ancestors().any(|ancestor| ancestor.id() == from.id());
        if node.id() == stop.id() {
            return (seen_from && !within_from).then_some(text);
        }
        if node.id() == from.id() {
            seen_from = true;
            continue;
        }
        if !seen_from || within_from || hidden_within(node, scope) {
            continue;
        }
        if let Some(run) = node.value().as_text() {
            text.push_str(run);
        }
    }
    None
}

/// The member a top card's Contact info link names, when it has one.
pub(super) fn contact_info_target(top_card: ElementRef<'_>) -> Option<PageTarget> {
    first(top_card, CONTACT_INFO)
        .and_then(|link| link.attr("href"))
        .and_then(PageTarget::from_url)
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::*;

    fn body(html: &str) -> Html {
        Html::parse_document(&format!("<html><body>{html}</body></html>"))
    }

    #[test]
    fn visible_text_skips_visually_hidden_twins_and_hidden_elements() {
        let page = body(
            r#"<p id="t"><span aria-hidden="true">Zoe  Sample</span><span class="visually-hidden">Zoe Sample</span><b style="display: none">1st</b><script>x()</script></p>"#,
        );
        let p = first(page.root_element(), "#t").unwrap();
        assert_eq!(visible_text(p).as_deref(), Some("Zoe Sample"));
    }

    #[test]
    fn text_runs_stop_at_the_given_element_and_join_split_text() {
        let page = body(
            r#"<div id="c"><p>Headline</p><span>Berlin<!-- -->, Germany</span><span>·</span><a id="x">Contact info</a><span>500+</span></div>"#,
        );
        let card = first(page.root_element(), "#c").unwrap();
        let stop = first(page.root_element(), "#x").unwrap();
        assert_eq!(
            text_runs_before(card, stop),
            ["Headline", "Berlin, Germany", "·"]
        );
    }

    #[test]
    fn text_between_is_the_shown_text_after_one_element_and_before_another() {
        let page = body(
            r#"<div id="c"><p id="p">Porto<b>, Portugal</b></p><span hidden>x</span><span> · </span><a id="x">Contact info</a><p id="q">500+</p></div>"#,
        );
        let card = first(page.root_element(), "#c").unwrap();
        let [p, link, q] = ["#p", "#x", "#q"].map(|css| first(page.root_element(), css).unwrap());
        assert_eq!(text_between(card, p, link).as_deref(), Some(" · "));
        assert_eq!(text_between(card, q, link), None);
        assert_eq!(text_between(card, card, link), None);
    }

    #[test]
    fn an_invalid_selector_matches_nothing() {
        let page = body("<p>x</p>");
        assert!(first(page.root_element(), "p[").is_none());
        assert!(all(page.root_element(), "p[").is_empty());
    }
}
