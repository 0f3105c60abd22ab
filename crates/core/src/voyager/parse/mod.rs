//! Voyager JSON answers read into the domain model (`crate::model`).
//!
//! Every parser is total over records: a record it does not understand becomes a
//! [`Skipped`](crate::model::Skipped) entry of its page, never a panic and never the end of the
//! page. Only an answer that is not what was asked for at all (not JSON, no collection, another
//! variant) is an error.

mod attachments;
mod conversations;
mod envelope;
mod json;
mod me;
mod messages;
mod participants;
mod profile;

use ping_voyager_records::lenient::Str;
use serde_json::Value;

use super::{MemberIdentity, QueryKind, VoyagerAnswer, VoyagerCall};
use crate::ids::{ConversationUrn, Cursor};
use crate::model::{Account, ConversationPage, MessagePage, Profile};

/// Why an answer could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is not JSON (`detail` is the JSON error, never the body).
    #[error("the answer is not JSON ({detail})")]
    NotJson {
        /// The JSON parser's message (position, not content).
        detail: String,
    },
    /// A messaging answer without its collection: GraphQL `errors`, or nothing under `data`.
    /// On a GraphQL call this means the query id no longer answers these variables.
    #[error("the answer holds no collection ({detail})")]
    NoCollection {
        /// The first GraphQL error message, or what was found instead.
        detail: String,
    },
    /// The collection is a variant that answers another kind of call.
    #[error("the answer is the {found} variant, which does not answer {expected:?}")]
    WrongVariant {
        /// The variant field under `data`.
        found: String,
        /// The kind of call that was made.
        expected: QueryKind,
    },
    /// A REST answer without the record asked for.
    #[error("the answer holds no readable {what} ({detail})")]
    Unreadable {
        /// `account` or `profile`.
        what: &'static str,
        /// What was missing.
        detail: String,
    },
}

/// A REST answer (`me`, a profile): one small record, read whole.
fn json(body: &str) -> Result<Value, ParseError> {
    serde_json::from_str(body).map_err(|e| ParseError::NotJson {
        detail: e.to_string(),
    })
}

/// A conversation-list answer to a call of `kind`.
pub fn parse_conversations(body: &str, kind: QueryKind) -> Result<ConversationPage, ParseError> {
    let collection = envelope::collection(body, kind, ping_voyager_records::conversation_answer)?;
    Ok(conversations::page(&collection))
}

/// A messages answer to a call of `kind`. `conversation` is the one asked for, used for
/// messages that do not name theirs.
pub fn parse_messages(
    body: &str,
    kind: QueryKind,
    conversation: Option<&ConversationUrn>,
) -> Result<MessagePage, ParseError> {
    let collection = envelope::collection(body, kind, ping_voyager_records::message_answer)?;
    Ok(messages::page(&collection, conversation))
}

/// A `/voyager/api/me` answer.
pub fn parse_me(body: &str) -> Result<Account, ParseError> {
    me::account(&json(body)?)
}

/// A dash profile answer for `member`.
pub fn parse_profile(body: &str, member: &MemberIdentity) -> Result<Profile, ParseError> {
    profile::profile(&json(body)?, member)
}

/// The answer to `call`, read by the parser for its kind.
pub fn parse_answer(call: &VoyagerCall, body: &str) -> Result<VoyagerAnswer, ParseError> {
    match (call, call.query_kind()) {
        (VoyagerCall::Me, _) => parse_me(body).map(|account| VoyagerAnswer::Me { account }),
        (VoyagerCall::Profile { member }, _) => {
            parse_profile(body, member).map(|profile| VoyagerAnswer::Profile { profile })
        }
        (VoyagerCall::Conversations { .. }, Some(kind)) => {
            parse_conversations(body, kind).map(|page| VoyagerAnswer::Conversations { page })
        }
        (VoyagerCall::Messages { conversation, .. }, Some(kind)) => {
            parse_messages(body, kind, Some(conversation))
                .map(|page| VoyagerAnswer::Messages { page })
        }
        (VoyagerCall::Conversations { .. } | VoyagerCall::Messages { .. }, None) => {
            Err(ParseError::NoCollection {
                detail: "a messaging call without a query kind".to_owned(),
            })
        }
    }
}

/// A paging cursor in `metadata`; null or empty means none.
fn cursor(field: &Str<'_>) -> Option<Cursor> {
    Cursor::parse(field.as_str()?).ok()
}

/// A record's `entityUrn`, for reporting it when skipped.
fn record_urn(entity_urn: &Str<'_>) -> Option<String> {
    entity_urn.non_empty()
}
