//! HTML pages of `www.linkedin.com` for the browser suite: `/`, `/feed/` (and any other page),
//! `/messaging/` (whose script requests live query ids, each with its variant's variables, so
//! the extension can learn rotated ids from `performance.getEntriesByType('resource')`: every
//! one, or the conversations ids only, per [`crate::MessagingPage`]), `/in/<slug>/` and
//! `/uas/login`.
//!
//! Profile pages: `/in/fixture-<case>/` serves `<fixtures_dir>/profile-page-<case>/input.html`;
//! so does the fixture's own URL (`url` in its `case.json`, e.g. `/in/jonas-lindqvist/`) and a
//! slug named as `publicIdentifier` in its `expected.json`;
//! otherwise generated members get a generated page in their style (Ember or server-driven).
//!
//! Every page but the login form carries the metas of LinkedIn's web client that the content
//! script reads (voyager-api.md §1.4): `i18nLocale` ([`I18N_LOCALE`]), `serviceVersion`
//! ([`SERVICE_VERSION`]) and a `clientPageInstanceId` of its own per page load, and loads the
//! client's bundles from `static.licdn.com` ([`crate::bundles`]). Profile fixtures are served
//! as captured.

use std::path::Path;
use std::sync::atomic::Ordering;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ping_core::voyager::QueryKind;

use crate::bundles;
use crate::data::{Member, PageStyle};
use crate::media;
use crate::request::Req;
use crate::rng::{hex32, keyed_hash};
use crate::state::Shared;
use crate::voyager::json;

/// Escapes text for HTML content and attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The locale the pages announce (`<meta name="i18nLocale">`).
const I18N_LOCALE: &str = "en_US";
/// The web client version the pages announce (`<meta name="serviceVersion">`).
const SERVICE_VERSION: &str = "1.13.40953";

fn page(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">{head}<title>{}</title></head><body>{body}</body></html>",
        esc(title)
    )
}

/// The web client's metas for one page load, with a page instance id never served before.
fn client_meta(shared: &Shared) -> String {
    let load = shared.page_loads.fetch_add(1, Ordering::Relaxed);
    let hex = hex32(keyed_hash(b"clientPageInstanceId", &load.to_le_bytes()));
    let instance = format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    );
    format!(
        "<meta name=\"i18nLocale\" content=\"{I18N_LOCALE}\"><meta name=\"serviceVersion\" content=\"{SERVICE_VERSION}\"><meta name=\"clientPageInstanceId\" content=\"{instance}\">"
    )
}

/// A page of LinkedIn's web client (not the login form).
fn client_page(shared: &Shared, title: &str, body: &str) -> String {
    let scripts: String = bundles::urls(shared)
        .iter()
        .map(|url| format!("<script src=\"{}\" defer></script>", esc(url)))
        .collect();
    page(title, &format!("{}{scripts}", client_meta(shared)), body)
}

fn html(status: StatusCode, text: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        text,
    )
        .into_response()
}

fn cookie_attributes(shared: &Shared, req: &Req) -> String {
    let mut attributes = String::from("; Path=/");
    if req.host.ends_with("linkedin.com") {
        attributes.push_str("; Domain=.linkedin.com");
    }
    if shared.config.tls {
        attributes.push_str("; Secure; SameSite=None");
    }
    attributes
}

/// Answers a page load.
pub fn handle(shared: &Shared, req: &Req) -> Response {
    let path = req.path.as_str();
    if path.starts_with("/uas/login") || path.starts_with("/login") {
        let form = "<h1>Sign in</h1><form method=\"post\" action=\"/uas/login-submit\"><input name=\"session_key\"><input name=\"session_password\" type=\"password\"><button>Sign in</button></form>";
        return html(
            StatusCode::OK,
            page("LinkedIn Login, Sign in | LinkedIn", "", form),
        );
    }
    if shared.is_revoked() {
        let mut response = (
            StatusCode::FOUND,
            [(header::LOCATION, "/uas/login?session_redirect=%2F")],
        )
            .into_response();
        let delete = format!(
            "li_at=\"delete me\"{}; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly",
            cookie_attributes(shared, req)
        );
        if let Ok(value) = HeaderValue::from_str(&delete) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        return response;
    }
    let mut response = if path == "/messaging" || path.starts_with("/messaging/") {
        html(StatusCode::OK, messaging(shared))
    } else if let Some(rest) = path.strip_prefix("/in/") {
        let slug = rest.split('/').next().unwrap_or_default();
        let slug = percent_encoding::percent_decode_str(slug).decode_utf8_lossy();
        profile(shared, &slug)
    } else {
        let body = "<header class=\"global-nav\"><a href=\"/feed/\">Home</a> <a href=\"/messaging/\">Messaging</a></header><main><h2>Your feed</h2><p>Nothing new.</p></main>";
        html(StatusCode::OK, client_page(shared, "Feed | LinkedIn", body))
    };
    if req.cookie("JSESSIONID").is_none() {
        let cookie = format!(
            "JSESSIONID={}{}",
            shared.config.jsessionid,
            cookie_attributes(shared, req)
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The time the messaging page's own requests page back from: later than any activity.
const PAGE_LOADED_BEFORE_MS: i64 = 4_102_444_800_000;

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn messaging(shared: &Shared) -> String {
    let account = shared.account.read();
    let mailbox = encode(&account.owner().urn.to_string());
    let newest = account.ordered().next();
    let conversation = newest.map(|c| encode(&c.urn.to_string()));
    // The page's own cursor, in the form the fake hands out (`voyager::messages`).
    let cursor = newest.map(|c| encode(&STANDARD.encode(format!("fakemsg&{}&1", c.thread_id))));
    let urls: Vec<String> = shared
        .query_ids
        .lock()
        .requested_by_messaging_page()
        .into_iter()
        .filter_map(|(kind, id)| {
            let conversation = conversation.as_ref();
            let variables = match kind {
                QueryKind::ConversationsBySyncToken => format!("(mailboxUrn:{mailbox})"),
                QueryKind::ConversationsByCategory => format!(
                    "(query:(predicateUnions:List((conversationCategoryPredicate:(category:PRIMARY_INBOX)))),count:20,mailboxUrn:{mailbox},lastUpdatedBefore:{PAGE_LOADED_BEFORE_MS})"
                ),
                QueryKind::MessagesLatest => format!("(conversationUrn:{})", conversation?),
                QueryKind::MessagesByAnchor => format!(
                    "(deliveredAt:{PAGE_LOADED_BEFORE_MS},conversationUrn:{},countBefore:20,countAfter:0)",
                    conversation?
                ),
                QueryKind::MessagesByCursor => format!(
                    "(conversationUrn:{},count:20,prevCursor:{})",
                    conversation?,
                    cursor.as_ref()?
                ),
            };
            Some(format!(
                "/voyager/api/voyagerMessagingGraphQL/graphql?queryId={id}&variables={variables}"
            ))
        })
        .collect();
    let urls = serde_json::to_string(&urls).unwrap_or_else(|_| "[]".to_owned());
    let script = format!(
        "<script>(function () {{\n\
         const m = document.cookie.match(/JSESSIONID=\"?([^\";]+)\"?/);\n\
         const csrf = m ? m[1] : '';\n\
         const urls = {urls};\n\
         window.__fakeMessaging = Promise.all(urls.map((u) => fetch(u, {{credentials: 'include',\n\
           headers: {{'csrf-token': csrf, 'accept': 'application/graphql', 'x-restli-protocol-version': '2.0.0'}}}})\n\
           .then((r) => r.status).catch(() => 0)));\n\
         }})();</script>"
    );
    let body = format!(
        "<main class=\"msg-s-message-list-container\"><h2>Messaging</h2><ul class=\"msg-conversations-container__conversations-list\"></ul></main>{script}"
    );
    client_page(shared, "Messaging | LinkedIn", &body)
}

fn fixture_for(dir: &Path, slug: &str) -> Option<String> {
    if let Some(case) = slug.strip_prefix("fixture-") {
        return std::fs::read_to_string(
            dir.join(format!("profile-page-{case}")).join("input.html"),
        )
        .ok();
    }
    let read_json = |path: std::path::PathBuf| -> serde_json::Value {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or_default()
    };
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with("profile-page-")
        {
            continue;
        }
        let case_dir = entry.path();
        let url = read_json(case_dir.join("case.json"))["url"]
            .as_str()
            .map(str::to_owned);
        let url_slug = url
            .as_deref()
            .and_then(|u| u.split("/in/").nth(1))
            .and_then(|rest| rest.split('/').next());
        let url_matches = url_slug.is_some_and(|seg| {
            percent_encoding::percent_decode_str(seg).decode_utf8_lossy() == slug
        });
        if url_matches || names_slug(&read_json(case_dir.join("expected.json")), slug) {
            return std::fs::read_to_string(case_dir.join("input.html")).ok();
        }
    }
    None
}

fn names_slug(value: &serde_json::Value, slug: &str) -> bool {
    match value {
        serde_json::Value::Object(map) => map.iter().any(|(key, v)| {
            (key == "publicIdentifier" && v.as_str() == Some(slug)) || names_slug(v, slug)
        }),
        serde_json::Value::Array(items) => items.iter().any(|v| names_slug(v, slug)),
        _ => false,
    }
}

fn profile(shared: &Shared, slug: &str) -> Response {
    if let Some(text) = shared
        .config
        .fixtures_dir
        .as_deref()
        .and_then(|dir| fixture_for(dir, slug))
    {
        return html(StatusCode::OK, text);
    }
    let ctx = shared.media_ctx();
    let account = shared.account.read();
    let Some(member) = account.member(slug) else {
        return html(
            StatusCode::NOT_FOUND,
            client_page(
                shared,
                "Page not found | LinkedIn",
                "<h1>This page doesn’t exist</h1>",
            ),
        );
    };
    let photo = member
        .picture
        .as_ref()
        .map(|p| media::photo_url(&ctx, p, 400));
    let body = match member.page_style {
        PageStyle::Ember => ember(member, photo.as_deref(), &ctx),
        PageStyle::ServerDriven => server_driven(member, photo.as_deref()),
    };
    let full = format!("{} {}", member.first_name, member.last_name);
    html(
        StatusCode::OK,
        client_page(shared, &format!("{full} | LinkedIn"), &body),
    )
}

fn ember(m: &Member, photo: Option<&str>, ctx: &media::MediaCtx) -> String {
    let full = esc(&format!("{} {}", m.first_name, m.last_name));
    let img = photo.map_or(String::new(), |src| {
        format!("<div class=\"pv-top-card__photo-wrapper\"><img class=\"pv-top-card-profile-picture__image--show\" src=\"{}\" alt=\"{full}\"></div>", esc(src))
    });
    let picture = m
        .picture
        .as_ref()
        .map_or(serde_json::Value::Null, |p| json::vector_image(ctx, p));
    let blob = serde_json::json!({"data": {"*elements": [m.urn.to_string()]}, "included": [{
        "$type": "com.linkedin.voyager.dash.identity.profile.Profile", "entityUrn": m.urn.to_string(),
        "publicIdentifier": m.public_identifier, "firstName": m.first_name, "lastName": m.last_name,
        "headline": m.headline(), "profilePicture": {"displayImageReference": {"vectorImage": picture}}}]});
    let request = format!(
        "{{\"request\":\"/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity={}&decorationId=com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-101\",\"status\":200,\"body\":\"bpr-guid-1\"}}",
        m.public_identifier
    );
    format!(
        "<main class=\"scaffold-layout__main\"><section class=\"artdeco-card pv-top-card\">{img}\
         <h1 class=\"text-heading-xlarge inline t-24 v-align-middle break-words\">{full}</h1>\
         <div class=\"text-body-medium break-words\">{}</div>\
         <span class=\"text-body-small inline t-black--light break-words\">{}</span>\
         <button aria-label=\"Current company: {}. Click to skip to experience card\">{}</button></section>\
         <section data-view-name=\"profile-card\" id=\"experience\"><ul><li class=\"pvs-list__paged-list-item\">\
         <span aria-hidden=\"true\">{}</span><span class=\"visually-hidden\">{}</span></li></ul></section></main>\
         <code id=\"datalet-bpr-guid-1\" style=\"display: none\">{}</code><code id=\"bpr-guid-1\" style=\"display: none\">{}</code>",
        esc(&m.headline()),
        esc(&m.location),
        esc(&m.company),
        esc(&m.company),
        esc(&m.title),
        esc(&m.title),
        esc(&request),
        esc(&blob.to_string())
    )
}

fn server_driven(m: &Member, photo: Option<&str>) -> String {
    let id = m.urn.id();
    let full = esc(&format!("{} {}", m.first_name, m.last_name));
    let img = photo.map_or(String::new(), |src| {
        format!("<img src=\"{}\" alt=\"{full}\">", esc(src))
    });
    let message = format!(
        "<a href=\"/messaging/compose/?profileUrn=urn%3Ali%3Afsd_profile%3A{id}&amp;recipient={id}\">Message</a>"
    );
    format!(
        "<div data-sdui-screen=\"com.linkedin.sdui.flagshipnav.profile.Profile\">\
         <section componentkey=\"com.linkedin.sdui.profile.card.ref{id}Topcard\">{img}\
         <div componentkey=\"ProfileVerificationTriggerRef-{slug}\"><h2>{full}</h2></div>\
         <p>{headline}</p><div><span>{location}</span>\
         <a href=\"/in/{slug}/overlay/contact-info/\">Contact info</a></div><span>500+ connections</span>\
         {message}{message}{message}</section>\
         <section componentkey=\"com.linkedin.sdui.profile.card.ref{id}ExperienceTopLevelSection\">\
         <h2>Experience</h2><p>{title}</p><p>{company}</p></section></div>",
        slug = esc(&m.public_identifier),
        headline = esc(&m.headline()),
        location = esc(&m.location),
        title = esc(&m.title),
        company = esc(&m.company),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{FakeConfig, Tuning};
    use crate::data::Account;

    #[test]
    fn every_page_load_announces_the_client_and_a_page_instance_of_its_own() {
        let config = FakeConfig::default();
        let account = Account::generate(&config.account, Tuning::default().mix);
        let shared = Shared::new(config, Tuning::default(), account, String::new());
        let first = client_meta(&shared);
        assert!(first.contains(r#"<meta name="i18nLocale" content="en_US">"#));
        assert!(first.contains(r#"<meta name="serviceVersion" content="1.13.40953">"#));
        assert!(first.contains(r#"<meta name="clientPageInstanceId" content=""#));
        assert_ne!(first, client_meta(&shared));
    }
}
