//! Server-rendered pages (minijinja, templates embedded in the binary, HTML auto-escaped).

use std::sync::LazyLock;

use axum::response::Html;
use minijinja::Environment;
use serde::Serialize;

use crate::error::ApiError;

const TEMPLATES: [(&str, &str); 11] = [
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("contacts.html", include_str!("../templates/contacts.html")),
    ("contact.html", include_str!("../templates/contact.html")),
    (
        "conversation.html",
        include_str!("../templates/conversation.html"),
    ),
    ("search.html", include_str!("../templates/search.html")),
    ("history.html", include_str!("../templates/history.html")),
    ("settings.html", include_str!("../templates/settings.html")),
    ("import.html", include_str!("../templates/import.html")),
    ("error.html", include_str!("../templates/error.html")),
];

/// `2026-11-21T14:03:00Z` → `2026-11-21 14:03 UTC`; anything else unchanged.
fn datetime(value: String) -> String {
    chrono::DateTime::parse_from_rfc3339(&value)
        .map(|time| time.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or(value)
}

/// The page templates, parsed on first use. They are constants compiled into the binary, so a
/// static holds them rather than the router's state.
static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_filter("datetime", datetime);
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
    fn user_text_is_escaped() {
        let html = render(
            "login.html",
            minijinja::context! { error => "<script>x</script>" },
        )
        .unwrap();
        assert!(html.0.contains("&lt;script&gt;"));
    }
}
