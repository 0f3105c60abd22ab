//! Which GraphQL query ids to try for each [`QueryKind`].
//!
//! LinkedIn rotates the hash part of a query id with its front-end releases. The registry knows
//! a built-in list per kind (newest known first, older ones as fallbacks) and learns the ids the
//! live LinkedIn page itself uses, which the extension observes and persists in
//! `chrome.storage`. Observed ids are tried before the built-ins.

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

use super::QueryKind;
use crate::ids::QueryId;

/// At most this many observed ids are kept; the oldest observation is dropped first.
pub const MAX_OBSERVED: usize = 20;

/// Built-in ids per kind, newest first (voyager-api.md §4.2). The first of each is the one the
/// fake server serves by default.
const BUILTIN: [(QueryKind, &[&str]); 5] = [
    (
        QueryKind::ConversationsBySyncToken,
        &[
            "messengerConversations.0d5e6781bbee71c3e51c8843c6519f48",
            "messengerConversations.74c17e85611b60b7ba2700481151a316",
            "messengerConversations.f0873b936b43ed663997b215b2c28359",
            "messengerConversations.277103fa0741e804ec5f21e6f64cb598",
            "messengerConversations.7b27164c5517548167d9adb4ba603e55",
            "messengerConversations.be2479ed77df3dd407dd90efc8ac41de",
            "messengerConversations.95e0a4b80fbc6bc53550e670d34d05d9",
        ],
    ),
    (
        QueryKind::ConversationsByCategory,
        &[
            "messengerConversations.9501074288a12f3ae9e3c7ea243bccbf",
            "messengerConversations.8656fb361a8ad0c178e8d3ff1a84ce26",
            "messengerConversations.18240d6a3ac199067a703996eeb4b163",
        ],
    ),
    (
        QueryKind::MessagesLatest,
        &[
            "messengerMessages.5846eeb71c981f11e0134cb6626cc314",
            "messengerMessages.d1b494ac18c24c8be71ea07b5bd1f831",
        ],
    ),
    (
        QueryKind::MessagesByAnchor,
        &[
            "messengerMessages.d8ea76885a52fd5dc5c317078ab7c977",
            "messengerMessages.4088d03bc70c91c3fa68965cb42336de",
            "messengerMessages.b52340f92136e74c2aab21dac7cf7ff2",
        ],
    ),
    (
        QueryKind::MessagesByCursor,
        &[
            "messengerMessages.34c9888be71c8010fecfb575cb38308f",
            "messengerMessages.86ca573adc64110d94d8bce89c5b2f3b",
        ],
    ),
];

/// Built-in query ids plus the ones observed on the live page, newest observation first.
///
/// Serializes as `{"observed": ["name.hash", …]}`; the built-ins are code, not state, so an
/// extension update that ships new built-ins takes effect without clearing storage.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "Stored", into = "Stored")]
pub struct QueryIdRegistry {
    observed: Vec<QueryId>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(default)]
    observed: Vec<QueryId>,
}

impl From<Stored> for QueryIdRegistry {
    fn from(stored: Stored) -> Self {
        let mut registry = Self::builtin();
        // Stored newest first: re-observe oldest first so the order and the bound survive.
        for id in stored.observed.into_iter().rev() {
            registry.remember(id);
        }
        registry
    }
}

impl From<QueryIdRegistry> for Stored {
    fn from(registry: QueryIdRegistry) -> Self {
        Self {
            observed: registry.observed,
        }
    }
}

impl QueryIdRegistry {
    /// A registry that knows only the built-in ids.
    pub fn builtin() -> Self {
        Self::default()
    }

    /// Learns the query id of a messaging GraphQL URL the LinkedIn page requested
    /// (`…/graphql?queryId=<name>.<hash>&…`). Returns whether the URL held a messaging query
    /// id; anything else (other queries, other hosts, junk) is ignored. A known id moves to
    /// the front.
    pub fn observe_url(&mut self, url: &str) -> bool {
        // Only what LinkedIn's own page asked LinkedIn counts: another site cannot teach ids.
        if !url.starts_with("https://www.linkedin.com/") {
            return false;
        }
        match query_id_in_url(url) {
            Some(id) if is_messaging_name(id.name()) => {
                self.remember(id);
                true
            }
            _ => false,
        }
    }

    /// Drops an observed id, e.g. after LinkedIn stopped serving it. Built-ins stay.
    pub fn forget(&mut self, id: &QueryId) {
        self.observed.retain(|known| known != id);
    }

    /// The observed ids, newest observation first.
    pub fn observed(&self) -> &[QueryId] {
        &self.observed
    }

    /// The ids to try for `kind`, in order: observed ids with the kind's query name (newest
    /// first), then the built-ins for the kind; no id appears twice.
    pub fn candidates(&self, kind: QueryKind) -> Vec<QueryId> {
        let observed = self
            .observed
            .iter()
            .filter(|id| id.name() == kind.query_name())
            .cloned();
        let mut candidates: Vec<QueryId> = Vec::new();
        for id in observed.chain(builtin_ids(kind)) {
            if !candidates.contains(&id) {
                candidates.push(id);
            }
        }
        candidates
    }

    fn remember(&mut self, id: QueryId) {
        self.forget(&id);
        self.observed.insert(0, id);
        self.observed.truncate(MAX_OBSERVED);
    }
}

/// The built-in ids for a kind, newest first.
pub fn builtin_ids(kind: QueryKind) -> impl Iterator<Item = QueryId> {
    BUILTIN
        .iter()
        .filter(move |(builtin_kind, _)| *builtin_kind == kind)
        .flat_map(|(_, ids)| ids.iter())
        .filter_map(|raw| QueryId::parse(raw).ok())
}

fn is_messaging_name(name: &str) -> bool {
    BUILTIN.iter().any(|(kind, _)| kind.query_name() == name)
}

/// The `queryId` parameter of a URL's query string, when it is a well-formed query id.
fn query_id_in_url(url: &str) -> Option<QueryId> {
    let (_, query) = url.split_once('?')?;
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("queryId="))
        .find_map(|raw| {
            let decoded = percent_decode_str(raw).decode_utf8().ok()?;
            QueryId::parse(&decoded).ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_id_parses_and_carries_its_kinds_name() {
        for (kind, raws) in BUILTIN {
            let parsed: Vec<QueryId> = builtin_ids(kind).collect();
            assert_eq!(parsed.len(), raws.len(), "{kind:?}");
            assert!(parsed.iter().all(|id| id.name() == kind.query_name()));
        }
    }
}
