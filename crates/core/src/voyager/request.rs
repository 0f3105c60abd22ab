//! From a [`VoyagerCall`] to the exact URL and headers LinkedIn's own web client would send.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    ConversationsQuery, HttpRequest, LinkedInSession, MemberIdentity, MessagesQuery, VoyagerCall,
};
use crate::ids::{ConversationUrn, ProfileUrn, QueryId};
use crate::model::ConversationFolder;
use crate::restli::{RestliValue, encode_component};

/// Messaging reads go to their own GraphQL path (voyager-api.md §1.1).
const MESSAGING_GRAPHQL_PATH: &str = "/voyager/api/voyagerMessagingGraphQL/graphql";
/// The decoration asked for on profile lookups (§7.2).
pub const PROFILE_DECORATION: &str =
    "com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-101";
/// The page size LinkedIn's web client asks for.
pub const PAGE_SIZE: i64 = 20;
/// The page key of `x-li-page-instance`. A page names only its instance id
/// (`clientPageInstanceId`); S1 paired that id with this key for its messaging calls
/// (voyager-api.md §1.4, S1 pre-2025 `pkg/linkedingoold/page_loader.go`).
const MESSAGING_PAGE_KEY: &str = "messaging_index";
/// The longest page value sent on; LinkedIn's are far shorter.
const MAX_PAGE_VALUE_LEN: usize = 128;

/// What the extension knows about the LinkedIn page it runs beside, for realistic headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoyagerContext {
    /// Scheme and host, without a trailing slash; tests point it at the fake server.
    pub base_url: String,
    /// `x-li-lang`, e.g. `en_US` (page meta `i18nLocale`).
    pub lang: Option<String>,
    /// The page's `<meta name="serviceVersion">`, for `x-li-track`.
    pub client_version: Option<String>,
    /// An IANA time zone such as `Europe/Berlin`, for `x-li-track`.
    pub timezone: Option<String>,
    /// `x-li-page-instance`, e.g. `urn:li:page:messaging_thread;<id>`.
    pub page_instance: Option<String>,
}

impl VoyagerContext {
    /// The context of calls made beside a page that carried `meta`. What the page did not say,
    /// or said in a form unfit for a header, stays unknown and its header is left out.
    pub fn from_page(meta: &PageMeta) -> Self {
        Self {
            lang: header_value(meta.i18n_locale.as_deref()),
            client_version: header_value(meta.service_version.as_deref()),
            timezone: header_value(meta.time_zone.as_deref()),
            page_instance: header_value(meta.client_page_instance_id.as_deref())
                .map(|id| format!("urn:li:page:{MESSAGING_PAGE_KEY};{id}")),
            ..Self::default()
        }
    }
}

impl Default for VoyagerContext {
    fn default() -> Self {
        Self {
            base_url: "https://www.linkedin.com".to_owned(),
            lang: None,
            client_version: None,
            timezone: None,
            page_instance: None,
        }
    }
}

/// What a LinkedIn page says about LinkedIn's web client, as the content script read it, for
/// the headers of later calls (voyager-api.md §1.4). Unchecked: [`VoyagerContext::from_page`]
/// decides what is fit to send.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PageMeta {
    /// `<meta name="i18nLocale">`, e.g. `en_US`.
    pub i18n_locale: Option<String>,
    /// `<meta name="serviceVersion">`, the web client's version, e.g. `1.13.40953`.
    pub service_version: Option<String>,
    /// `<meta name="clientPageInstanceId">`, the id of this page load.
    pub client_page_instance_id: Option<String>,
    /// The browser's IANA time zone, e.g. `Europe/Berlin`.
    pub time_zone: Option<String>,
}

/// `value` trimmed if it is fit for a header: not empty, not overlong, visible ASCII only.
/// The worker's `fetch` glue throws on a value `fetch` refuses (a line break, a character
/// beyond Latin-1), which would abort the sync; an unknown value only leaves a header out.
fn header_value(value: Option<&str>) -> Option<String> {
    let value = value?.trim();
    let fits = !value.is_empty()
        && value.len() <= MAX_PAGE_VALUE_LEN
        && value.bytes().all(|byte| byte.is_ascii_graphic());
    fits.then(|| value.to_owned())
}

/// Why a call could not be turned into a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// Conversation list calls are scoped to a mailbox; ask `/me` first.
    #[error("the mailbox owner is not known yet: fetch /voyager/api/me first")]
    MissingMailbox,
    /// GraphQL calls need a query id for their kind.
    #[error("no query id is known for this messaging request")]
    MissingQueryId,
    /// The query id is for another query (e.g. a messages id for the conversation list).
    #[error("query id {query_id} cannot answer a {expected} request")]
    WrongQueryId {
        /// The id that was offered.
        query_id: QueryId,
        /// The query name the call needs.
        expected: &'static str,
    },
}

/// Builds the request for `call`. `mailbox` (the owner, from `/me`) is needed for the
/// conversation list, `query_id` for every messaging call.
pub fn build_request(
    call: &VoyagerCall,
    mailbox: Option<&ProfileUrn>,
    query_id: Option<&QueryId>,
    session: &LinkedInSession,
    ctx: &VoyagerContext,
) -> Result<HttpRequest, RequestError> {
    let base = ctx.base_url.trim_end_matches('/');
    let (url, accept) = match call {
        VoyagerCall::Me => (format!("{base}/voyager/api/me"), "application/json"),
        VoyagerCall::Profile { member } => (
            format!(
                "{base}/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity={}&decorationId={PROFILE_DECORATION}",
                encode_component(&member_identity(member)),
            ),
            "application/json",
        ),
        VoyagerCall::Conversations { query, folder } => {
            let mailbox = mailbox.ok_or(RequestError::MissingMailbox)?;
            let variables = conversations_variables(query, *folder, mailbox);
            (
                messaging_url(base, call, query_id, &variables)?,
                "application/graphql",
            )
        }
        VoyagerCall::Messages {
            conversation,
            query,
        } => {
            let variables = messages_variables(query, conversation);
            (
                messaging_url(base, call, query_id, &variables)?,
                "application/graphql",
            )
        }
    };
    Ok(HttpRequest {
        url,
        headers: headers(accept, session, ctx),
    })
}

fn member_identity(member: &MemberIdentity) -> String {
    match member {
        MemberIdentity::Id(id) => id.to_string(),
        MemberIdentity::PublicIdentifier(slug) => slug.to_string(),
    }
}

fn messaging_url(
    base: &str,
    call: &VoyagerCall,
    query_id: Option<&QueryId>,
    variables: &RestliValue,
) -> Result<String, RequestError> {
    let query_id = query_id.ok_or(RequestError::MissingQueryId)?;
    if let Some(kind) = call.query_kind()
        && query_id.name() != kind.query_name()
    {
        return Err(RequestError::WrongQueryId {
            query_id: query_id.clone(),
            expected: kind.query_name(),
        });
    }
    Ok(format!(
        "{base}{MESSAGING_GRAPHQL_PATH}?queryId={query_id}&variables={}",
        variables.encode()
    ))
}

fn ms(at: chrono::DateTime<chrono::Utc>) -> RestliValue {
    RestliValue::from(at.timestamp_millis())
}

/// The category LinkedIn's web client lists a folder's tab by (voyager-api.md §4.1, §5.6).
fn category(folder: ConversationFolder) -> &'static str {
    match folder {
        ConversationFolder::Inbox => "PRIMARY_INBOX",
        ConversationFolder::Other => "SECONDARY_INBOX",
        ConversationFolder::Archived => "ARCHIVE",
        ConversationFolder::Spam => "SPAM",
    }
}

fn conversations_variables(
    query: &ConversationsQuery,
    folder: ConversationFolder,
    mailbox: &ProfileUrn,
) -> RestliValue {
    let mailbox = ("mailboxUrn", RestliValue::from(mailbox.to_string()));
    let in_folder = || {
        let predicate = RestliValue::tuple([(
            "conversationCategoryPredicate",
            RestliValue::tuple([("category", RestliValue::from(category(folder)))]),
        )]);
        RestliValue::tuple([("predicateUnions", RestliValue::List(vec![predicate]))])
    };
    match query {
        ConversationsQuery::SyncToken(None) => RestliValue::tuple([mailbox]),
        ConversationsQuery::SyncToken(Some(token)) => {
            RestliValue::tuple([mailbox, ("syncToken", RestliValue::from(token.as_str()))])
        }
        ConversationsQuery::Before(at) => RestliValue::tuple([
            ("query", in_folder()),
            ("count", RestliValue::from(PAGE_SIZE)),
            mailbox,
            ("lastUpdatedBefore", ms(*at)),
        ]),
        ConversationsQuery::Cursor(cursor) => RestliValue::tuple([
            ("query", in_folder()),
            ("count", RestliValue::from(PAGE_SIZE)),
            mailbox,
            ("nextCursor", RestliValue::from(cursor.as_str())),
        ]),
    }
}

fn messages_variables(query: &MessagesQuery, conversation: &ConversationUrn) -> RestliValue {
    let conversation = (
        "conversationUrn",
        RestliValue::from(conversation.to_string()),
    );
    match query {
        MessagesQuery::Latest => RestliValue::tuple([conversation]),
        MessagesQuery::Before(at) => RestliValue::tuple([
            ("deliveredAt", ms(*at)),
            conversation,
            ("countBefore", RestliValue::from(PAGE_SIZE)),
            ("countAfter", RestliValue::from(0)),
        ]),
        MessagesQuery::Cursor(cursor) => RestliValue::tuple([
            conversation,
            ("count", RestliValue::from(PAGE_SIZE)),
            ("prevCursor", RestliValue::from(cursor.as_str())),
        ]),
    }
}

fn headers(accept: &str, session: &LinkedInSession, ctx: &VoyagerContext) -> Vec<(String, String)> {
    let mut headers = vec![
        ("csrf-token".to_owned(), session.csrf_token().to_owned()),
        ("accept".to_owned(), accept.to_owned()),
        ("x-restli-protocol-version".to_owned(), "2.0.0".to_owned()),
    ];
    if let Some(lang) = &ctx.lang {
        headers.push(("x-li-lang".to_owned(), lang.clone()));
    }
    if let Some(version) = &ctx.client_version {
        let mut track = json!({
            "clientVersion": version, "mpVersion": version, "osName": "web",
            "deviceFormFactor": "DESKTOP", "mpName": "voyager-web",
        });
        if let Some(timezone) = &ctx.timezone {
            track["timezone"] = json!(timezone);
        }
        headers.push(("x-li-track".to_owned(), track.to_string()));
    }
    if let Some(page_instance) = &ctx.page_instance {
        headers.push(("x-li-page-instance".to_owned(), page_instance.clone()));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(locale: &str, version: &str, instance: &str, zone: &str) -> PageMeta {
        PageMeta {
            i18n_locale: Some(locale.to_owned()),
            service_version: Some(version.to_owned()),
            client_page_instance_id: Some(instance.to_owned()),
            time_zone: Some(zone.to_owned()),
        }
    }

    #[test]
    fn a_page_context_carries_what_the_page_said_under_the_default_base_url() {
        let ctx = VoyagerContext::from_page(&meta(
            "en_US",
            "1.13.40953",
            "b17a6c8b-ae28-4de5-949a-38caa51f0238",
            "Europe/Berlin",
        ));
        assert_eq!(
            ctx,
            VoyagerContext {
                base_url: "https://www.linkedin.com".to_owned(),
                lang: Some("en_US".to_owned()),
                client_version: Some("1.13.40953".to_owned()),
                timezone: Some("Europe/Berlin".to_owned()),
                page_instance: Some(
                    "urn:li:page:messaging_index;b17a6c8b-ae28-4de5-949a-38caa51f0238".to_owned()
                ),
            }
        );
    }

    #[test]
    fn a_page_that_said_nothing_gives_the_default_context() {
        assert_eq!(
            VoyagerContext::from_page(&PageMeta::default()),
            VoyagerContext::default()
        );
    }

    #[test]
    fn page_values_are_trimmed() {
        let ctx = VoyagerContext::from_page(&meta(" en_US\n", "\t1.13.40953 ", "id", "UTC"));
        assert_eq!(ctx.lang.as_deref(), Some("en_US"));
        assert_eq!(ctx.client_version.as_deref(), Some("1.13.40953"));
    }

    #[test]
    fn page_values_unfit_for_a_header_stay_unknown() {
        let long = "1".repeat(MAX_PAGE_VALUE_LEN + 1);
        let ctx = VoyagerContext::from_page(&meta("en\r\nx-evil: 1", &long, "  ", "Europe/Zürich"));
        assert_eq!(ctx, VoyagerContext::default());
    }
}
