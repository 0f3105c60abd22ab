//! LinkedIn's internal Voyager API: what to ask, how to ask it, and how to read the answer.
//!
//! The planner speaks in [`VoyagerCall`]s and consumes [`VoyagerAnswer`]s or
//! [`VoyagerFailure`]s; everything between (Rest.li encoding, query ids, headers, the GraphQL
//! envelope, error classification) lives in this module and is pure.

mod call;
mod classify;
mod failure;
mod http;
mod parse;
mod query_ids;
mod request;
mod session;

pub use call::{
    ConversationsQuery, MemberIdentity, MessagesQuery, QueryKind, VoyagerAnswer, VoyagerCall,
};
pub use classify::{classify, classify_download, parse_failure};
pub use failure::VoyagerFailure;
pub use http::{HttpRequest, HttpResponse};
pub use parse::{
    ParseError, parse_answer, parse_conversations, parse_me, parse_messages, parse_profile,
};
pub use query_ids::{
    MAX_BUNDLES_PER_PAGE, MAX_OBSERVED, PageQueryIds, QueryIdRegistry, WorkingQueryIds, builtin_ids,
};
pub use request::{
    PAGE_SIZE, PROFILE_DECORATION, PageMeta, RequestError, VoyagerContext, build_request,
};
pub use session::{LinkedInSession, SessionError};

/// What LinkedIn's answer to `call` means: the parsed answer, or the failure to act on.
/// Classifies the status, redirects and cookies first (voyager-api.md §8), then parses.
pub fn interpret(
    call: &VoyagerCall,
    response: &HttpResponse,
) -> Result<VoyagerAnswer, VoyagerFailure> {
    classify(call, response)?;
    parse_answer(call, &response.body).map_err(|error| parse_failure(call, response.status, error))
}
