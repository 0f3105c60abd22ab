//! LinkedIn's internal Voyager API: what to ask, how to ask it, and how to read the answer.
//!
//! The planner speaks in [`VoyagerCall`]s and consumes [`VoyagerAnswer`]s or
//! [`VoyagerFailure`]s; everything between (Rest.li encoding, query ids, headers, the GraphQL
//! envelope, error classification) lives in this module and is pure.

mod call;
mod failure;
mod http;
mod query_ids;
mod request;
mod session;

pub use call::{
    ConversationsQuery, MemberIdentity, MessagesQuery, QueryKind, VoyagerAnswer, VoyagerCall,
};
pub use failure::VoyagerFailure;
pub use http::{HttpRequest, HttpResponse};
pub use query_ids::{MAX_OBSERVED, QueryIdRegistry, builtin_ids};
pub use request::{PROFILE_DECORATION, RequestError, VoyagerContext, build_request};
pub use session::{LinkedInSession, SessionError};
