//! From a [`VoyagerCall`] to the exact URL and headers LinkedIn's own web client would send.

use serde_json::json;

use super::{
    ConversationsQuery, HttpRequest, LinkedInSession, MemberIdentity, MessagesQuery, VoyagerCall,
};
use crate::ids::{ConversationUrn, ProfileUrn, QueryId};
use crate::restli::{RestliValue, encode_component};

/// Messaging reads go to their own GraphQL path (voyager-api.md §1.1).
const MESSAGING_GRAPHQL_PATH: &str = "/voyager/api/voyagerMessagingGraphQL/graphql";
/// The decoration asked for on profile lookups (§7.2).
pub const PROFILE_DECORATION: &str =
    "com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-101";
/// The page size LinkedIn's web client asks for.
const PAGE_SIZE: i64 = 20;

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
        VoyagerCall::Conversations { query } => {
            let mailbox = mailbox.ok_or(RequestError::MissingMailbox)?;
            let variables = conversations_variables(query, mailbox);
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

fn conversations_variables(query: &ConversationsQuery, mailbox: &ProfileUrn) -> RestliValue {
    let mailbox = ("mailboxUrn", RestliValue::from(mailbox.to_string()));
    let primary_inbox = || {
        let predicate = RestliValue::tuple([(
            "conversationCategoryPredicate",
            RestliValue::tuple([("category", RestliValue::from("PRIMARY_INBOX"))]),
        )]);
        RestliValue::tuple([("predicateUnions", RestliValue::List(vec![predicate]))])
    };
    match query {
        ConversationsQuery::SyncToken(None) => RestliValue::tuple([mailbox]),
        ConversationsQuery::SyncToken(Some(token)) => {
            RestliValue::tuple([mailbox, ("syncToken", RestliValue::from(token.as_str()))])
        }
        ConversationsQuery::Before(at) => RestliValue::tuple([
            ("query", primary_inbox()),
            ("count", RestliValue::from(PAGE_SIZE)),
            mailbox,
            ("lastUpdatedBefore", ms(*at)),
        ]),
        ConversationsQuery::Cursor(cursor) => RestliValue::tuple([
            ("query", primary_inbox()),
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
