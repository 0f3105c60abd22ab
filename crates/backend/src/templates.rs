//! Server-rendered pages (minijinja, templates embedded in the binary, HTML auto-escaped).

use std::sync::LazyLock;

use axum::response::Html;
use minijinja::Environment;
use ping_core::model::ConversationFolder;
use serde::Serialize;

use crate::error::ApiError;

const TEMPLATES: [(&str, &str); 18] = [
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("contacts.html", include_str!("../templates/contacts.html")),
    ("contact.html", include_str!("../templates/contact.html")),
    (
        "conversations.html",
        include_str!("../templates/conversations.html"),
    ),
    (
        "conversation.html",
        include_str!("../templates/conversation.html"),
    ),
    ("search.html", include_str!("../templates/search.html")),
    ("history.html", include_str!("../templates/history.html")),
    ("settings.html", include_str!("../templates/settings.html")),
    ("api_keys.html", include_str!("../templates/api_keys.html")),
    ("import.html", include_str!("../templates/import.html")),
    ("error.html", include_str!("../templates/error.html")),
    (
        "official_app.html",
        include_str!("../templates/official_app.html"),
    ),
    (
        "official_leads.html",
        include_str!("../templates/official_leads.html"),
    ),
    (
        "official_crm_sync.html",
        include_str!("../templates/official_crm_sync.html"),
    ),
    (
        "official_posts.html",
        include_str!("../templates/official_posts.html"),
    ),
    (
        "official_post.html",
        include_str!("../templates/official_post.html"),
    ),
];

/// `2026-11-21T14:03:00Z` → `2026-11-21 14:03 UTC`; anything else unchanged.
fn datetime(value: String) -> String {
    chrono::DateTime::parse_from_rfc3339(&value)
        .map(|time| time.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or(value)
}

/// `folder_label`: a folder's stored name (`archived`) as the web UI writes it (`Archived`).
fn folder_label(name: String) -> String {
    let label = match ConversationFolder::parse(&name) {
        Some(ConversationFolder::Inbox) => "Inbox",
        Some(ConversationFolder::Other) => "Other",
        Some(ConversationFolder::Archived) => "Archived",
        Some(ConversationFolder::Spam) => "Spam",
        None => return name,
    };
    label.to_owned()
}

/// `is web_url`: an http(s) URL, the only kind a page puts in an `href` (a `javascript:` URL
/// would run in the page when clicked).
fn web_url(value: &minijinja::Value) -> bool {
    value
        .as_str()
        .is_some_and(|url| url.starts_with("https://") || url.starts_with("http://"))
}

/// The page templates, parsed on first use. They are constants compiled into the binary, so a
/// static holds them rather than the router's state.
static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_filter("datetime", datetime);
    env.add_filter("folder_label", folder_label);
    env.add_test("web_url", web_url);
    for (name, source) in TEMPLATES {
        if let Err(error) = env.add_template(name, source) {
            tracing::error!(template = name, %error, "template does not parse");
        }
    }
    env
});

/// Renders a page; a template error is an internal error (logged).
pub fn render(name: &str, context: impl Serialize) -> Result<Html<String>, ApiError> {
    ENVIRONMENT
        .get_template(name)
        .and_then(|template| template.render(context))
        .map(Html)
        .map_err(|error| ApiError::Internal(format!("template {name}: {error:#}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            assert!(ENVIRONMENT.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn no_template_runs_inline_script_or_styles() {
        // The Content-Security-Policy allows scripts and styles from /static/ only.
        for (name, source) in TEMPLATES {
            let lower = source.to_ascii_lowercase();
            for (at, _) in lower.match_indices("<script") {
                let tag = &lower[at..at + lower[at..].find('>').unwrap_or(0)];
                assert!(
                    tag.contains(" src=\"/static/"),
                    "{name}: inline script {tag}"
                );
            }
            assert!(!lower.contains("<style"), "{name}: a style element");
            assert!(!lower.contains(" style="), "{name}: a style attribute");
            assert!(!lower.contains("javascript:"), "{name}: a javascript: URL");
            let handler = lower
                .split(|c: char| c.is_whitespace())
                .find(|word| word.starts_with("on") && word.contains('='));
            assert_eq!(handler, None, "{name}: an event handler attribute");
        }
    }

    #[test]
    fn a_profile_link_is_only_an_http_url() {
        let page = |url: &str| {
            render(
                "contact.html",
                minijinja::context! { contact => minijinja::context! {
                    id => 1, display_name => "Zoe", profile_url => url,
                } },
            )
            .unwrap()
            .0
        };
        assert!(!page("javascript:alert(1)").contains("href=\"javascript"));
        assert!(!page("javascript:alert(1)").contains("LinkedIn profile"));
        // Autoescaping writes the slashes as `&#x2f;`, which the browser reads back.
        let linked = page("https://www.linkedin.com/in/zoe");
        assert!(linked.contains("LinkedIn profile") && linked.contains("href=\"https:"));
    }

    #[test]
    fn user_text_is_escaped() {
        let html = render(
            "login.html",
            minijinja::context! { error => "<script>x</script>" },
        )
        .unwrap();
        assert!(html.0.contains("&lt;script&gt;"));
    }
}
