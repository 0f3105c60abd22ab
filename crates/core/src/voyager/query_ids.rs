//! Which GraphQL query ids to try for each [`QueryKind`].
//!
//! LinkedIn rotates the hash part of a query id with its front-end releases. The registry knows
//! a built-in list per kind (newest known first, older ones as fallbacks) and learns, from the
//! pages the content script reports (voyager-api.md §4.2), the ids the live LinkedIn page itself
//! requested and the ids its web client's scripts declare (inline, and the bundles on LinkedIn's
//! static host). Neither says which variant an id answers, and every id tried costs a LinkedIn
//! request, so [`QueryIdRegistry::candidates`] orders them by how likely each is to work.

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

use super::QueryKind;
use crate::ids::QueryId;
use crate::restli::RestliValue;
use crate::sorted::SortedMap;

/// At most this many observed ids are kept; the oldest observation is dropped first.
pub const MAX_OBSERVED: usize = 20;
/// At most this many ids declared by scripts are kept. LinkedIn's bundles declared 21
/// messaging ids at once in 2026 (voyager-api.md §4.2): room for two releases.
pub const MAX_DECLARED: usize = 48;
/// At most this many scanned bundle addresses are remembered. A page loads a few dozen
/// bundles; each is content-hashed, so one scanned is never worth fetching again.
pub const MAX_SCANNED_BUNDLES: usize = 200;
/// At most this many bundles are fetched for one page report: they are static files, not
/// Voyager calls, but still requests on the user's behalf.
pub const MAX_BUNDLES_PER_PAGE: usize = 12;
/// What one page report may name of each sort; the rest is ignored.
const MAX_PAGE_ITEMS: usize = 200;
/// A bundle address longer than this is not one of LinkedIn's.
const MAX_BUNDLE_URL_LEN: usize = 400;
/// LinkedIn's static host, where the web client's bundles live.
const BUNDLE_HOST: &str = "https://static.licdn.com/";

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

/// Per variant, the query id LinkedIn last answered: the next request of that variant tries it
/// first. Kept in the sync state, at most one id per [`QueryKind`].
pub type WorkingQueryIds = SortedMap<QueryKind, QueryId>;

/// What a LinkedIn page showed of the query ids its web client uses, as the content script read
/// it. Unchecked: the registry takes only what it can verify the form and origin of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PageQueryIds {
    /// URLs of the requests the page made so far that carry a `queryId` (resource timing).
    pub requested: Vec<String>,
    /// The query ids written in the page's inline scripts, e.g. `messengerMessages.5846…`.
    pub inline: Vec<String>,
    /// The addresses of the scripts the page loaded; those on `https://static.licdn.com/` are
    /// fetched and scanned once each.
    pub bundles: Vec<String>,
}

/// Built-in query ids plus the ones learnt from LinkedIn's pages.
///
/// Serializes as `{"observed": […], "declared": […], "scannedBundles": […]}`, newest first; the
/// built-ins are code, not state, so an extension update that ships new built-ins takes effect
/// without clearing storage.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "Stored", into = "Stored")]
pub struct QueryIdRegistry {
    /// Ids of requests the page made: live.
    observed: Vec<QueryId>,
    /// The variant of those whose request showed it by its variables.
    observed_variants: SortedMap<QueryId, QueryKind>,
    /// Ids the web client's scripts declare: current, of unknown variant, many never used.
    declared: Vec<QueryId>,
    /// Bundle addresses already scanned.
    scanned_bundles: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    #[serde(default)]
    observed: Vec<QueryId>,
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    observed_variants: SortedMap<QueryId, QueryKind>,
    #[serde(default)]
    declared: Vec<QueryId>,
    #[serde(default)]
    scanned_bundles: Vec<String>,
}

impl From<Stored> for QueryIdRegistry {
    fn from(stored: Stored) -> Self {
        // Stored newest first: taken oldest first so the order and the bounds survive.
        let mut registry = Self::builtin();
        for id in stored.observed.into_iter().rev() {
            remember(&mut registry.observed, id, MAX_OBSERVED);
        }
        registry.observed_variants = stored.observed_variants;
        registry.forget_unobserved_variants();
        for id in stored.declared.into_iter().rev() {
            remember(&mut registry.declared, id, MAX_DECLARED);
        }
        for url in stored.scanned_bundles.into_iter().rev() {
            remember(&mut registry.scanned_bundles, url, MAX_SCANNED_BUNDLES);
        }
        registry
    }
}

impl From<QueryIdRegistry> for Stored {
    fn from(registry: QueryIdRegistry) -> Self {
        Self {
            observed: registry.observed,
            observed_variants: registry.observed_variants,
            declared: registry.declared,
            scanned_bundles: registry.scanned_bundles,
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
                match variant_in_url(url).filter(|kind| kind.query_name() == id.name()) {
                    Some(kind) => self.observed_variants.insert(id.clone(), kind),
                    None => self.observed_variants.remove(&id),
                };
                remember(&mut self.observed, id, MAX_OBSERVED);
                self.forget_unobserved_variants();
                true
            }
            _ => false,
        }
    }

    fn forget_unobserved_variants(&mut self) {
        let observed = &self.observed;
        self.observed_variants.retain(|id, _| observed.contains(id));
    }

    /// Learns what a page report shows without fetching anything: the ids of the page's
    /// requests and of its inline scripts. Returns the bundles worth fetching for
    /// [`Self::learn_bundle`]: LinkedIn's, not scanned yet, at most [`MAX_BUNDLES_PER_PAGE`].
    pub fn learn_page(&mut self, page: &PageQueryIds) -> Vec<String> {
        for url in page.requested.iter().take(MAX_PAGE_ITEMS) {
            self.observe_url(url);
        }
        let inline = page.inline.iter().take(MAX_PAGE_ITEMS);
        self.declare(inline.filter_map(|raw| QueryId::parse(raw).ok()).collect());
        let mut bundles: Vec<String> = Vec::new();
        for url in page.bundles.iter().take(MAX_PAGE_ITEMS) {
            let Some(url) = bundle_url(url) else { continue };
            if !self.scanned_bundles.contains(&url) && !bundles.contains(&url) {
                bundles.push(url);
            }
        }
        bundles.truncate(MAX_BUNDLES_PER_PAGE);
        bundles
    }

    /// Learns the ids a fetched bundle declares and remembers it as scanned. A bundle that
    /// could not be read (it answered an error) is passed as empty text: its content-hashed
    /// address will not answer otherwise later.
    pub fn learn_bundle(&mut self, url: &str, text: &str) {
        let Some(url) = bundle_url(url) else { return };
        self.declare(query_ids_in_script(text));
        remember(&mut self.scanned_bundles, url, MAX_SCANNED_BUNDLES);
    }

    /// The observed ids, newest observation first.
    pub fn observed(&self) -> &[QueryId] {
        &self.observed
    }

    /// The ids declared by scripts, newest first.
    pub fn declared(&self) -> &[QueryId] {
        &self.declared
    }

    /// The ids to try for `kind`, most likely first, no id twice:
    /// 1. the one that last worked for `kind`;
    /// 2. ids the page requested with `kind`'s variables (live, and of the right variant);
    /// 3. built-ins of `kind` the page requested or its scripts declare (current, and of the
    ///    right variant);
    /// 4. ids the page requested, newest first (live, variant unknown);
    /// 5. ids the scripts declare, newest first (current, variant unknown);
    /// 6. the other built-ins of `kind` (perhaps retired);
    /// 7. ids known to answer another variant (a built-in of another kind, working for one,
    ///    or requested with its variables): LinkedIn refuses a query id given another
    ///    variant's variables.
    pub fn candidates(&self, kind: QueryKind, working: &WorkingQueryIds) -> Vec<QueryId> {
        let name = kind.query_name();
        let variant = |id: &QueryId| {
            working
                .iter()
                .find_map(|(working_kind, working_id)| (working_id == id).then_some(*working_kind))
                .or_else(|| self.observed_variants.get(id).copied())
                .or_else(|| builtin_kind(id))
        };
        let requested_as_kind = self
            .observed
            .iter()
            .filter(|id| self.observed_variants.get(*id) == Some(&kind))
            .cloned();
        let seen = |id: &QueryId| self.observed.contains(id) || self.declared.contains(id);
        let own_builtins = || builtin_ids(kind).filter(|id| variant(id) == Some(kind));
        let learnt = || self.observed.iter().chain(&self.declared);
        let unknown = |id: &&QueryId| id.name() == name && variant(id).is_none();
        let ordered = working
            .get(&kind)
            .cloned()
            .into_iter()
            .chain(requested_as_kind)
            .chain(own_builtins().filter(seen))
            .chain(self.observed.iter().filter(unknown).cloned())
            .chain(self.declared.iter().filter(unknown).cloned())
            .chain(own_builtins())
            .chain(
                learnt()
                    .chain(working.values())
                    .filter(|id| id.name() == name && variant(id) != Some(kind))
                    .cloned(),
            );
        let mut candidates: Vec<QueryId> = Vec::new();
        for id in ordered {
            if !candidates.contains(&id) {
                candidates.push(id);
            }
        }
        candidates
    }

    /// Remembers ids declared together, keeping their order, ahead of older declarations.
    fn declare(&mut self, ids: Vec<QueryId>) {
        for id in ids.into_iter().rev() {
            if is_messaging_name(id.name()) {
                remember(&mut self.declared, id, MAX_DECLARED);
            }
        }
    }
}

/// Puts `item` at the front of `list` (moving it if known) and keeps at most `max`.
fn remember<T: PartialEq>(list: &mut Vec<T>, item: T, max: usize) {
    list.retain(|known| *known != item);
    list.insert(0, item);
    list.truncate(max);
}

/// The messaging query ids a script declares, in order of first appearance: every
/// `messenger<Name>.<32 hex>` (the pattern U1 searches LinkedIn's bundles for) that stands
/// alone, i.e. not inside a longer word or hex string.
fn query_ids_in_script(text: &str) -> Vec<QueryId> {
    const PREFIX: &str = "messenger";
    let bytes = text.as_bytes();
    let mut ids: Vec<QueryId> = Vec::new();
    for (start, _) in text.match_indices(PREFIX) {
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let name_end = start
            + PREFIX.len()
            + bytes[start + PREFIX.len()..]
                .iter()
                .take_while(|byte| byte.is_ascii_alphabetic())
                .count();
        let hash_start = name_end + 1;
        let hash_end = hash_start + 32;
        let separated = bytes.get(name_end) == Some(&b'.');
        let ends_there = bytes
            .get(hash_end)
            .is_none_or(|byte| !byte.is_ascii_alphanumeric());
        if !separated || !ends_there {
            continue;
        }
        let Some(raw) = text.get(start..hash_end) else {
            continue;
        };
        if let Ok(id) = QueryId::parse(raw)
            && is_messaging_name(id.name())
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// The address of one of LinkedIn's bundles, without its fragment, if `url` is one: https on
/// the static host exactly (no port, no user info), not overlong.
fn bundle_url(url: &str) -> Option<String> {
    let url = url.split('#').next().unwrap_or_default();
    let path = url.strip_prefix(BUNDLE_HOST)?;
    let fits = !path.is_empty()
        && url.len() <= MAX_BUNDLE_URL_LEN
        && url.bytes().all(|byte| byte.is_ascii_graphic());
    fits.then(|| url.to_owned())
}

/// The built-in ids for a kind, newest first.
pub fn builtin_ids(kind: QueryKind) -> impl Iterator<Item = QueryId> {
    BUILTIN
        .iter()
        .filter(move |(builtin_kind, _)| *builtin_kind == kind)
        .flat_map(|(_, ids)| ids.iter())
        .filter_map(|raw| QueryId::parse(raw).ok())
}

/// The kind a built-in id belongs to.
fn builtin_kind(id: &QueryId) -> Option<QueryKind> {
    BUILTIN.iter().find_map(|(kind, raws)| {
        raws.iter()
            .any(|raw| QueryId::parse(raw).is_ok_and(|builtin| builtin == *id))
            .then_some(*kind)
    })
}

fn is_messaging_name(name: &str) -> bool {
    BUILTIN.iter().any(|(kind, _)| kind.query_name() == name)
}

/// The `queryId` parameter of a URL's query string, when it is a well-formed query id.
fn query_id_in_url(url: &str) -> Option<QueryId> {
    query_parameter(url, "queryId").find_map(|raw| {
        let decoded = percent_decode_str(raw).decode_utf8().ok()?;
        QueryId::parse(&decoded).ok()
    })
}

/// The variant a messaging request's `variables` show, for the variants the planner asks
/// (voyager-api.md §4.1); `None` for any other form.
fn variant_in_url(url: &str) -> Option<QueryKind> {
    let raw = query_parameter(url, "variables").next()?;
    let RestliValue::Tuple(entries) = RestliValue::decode(raw).ok()? else {
        return None;
    };
    let has = |key: &str| entries.iter().any(|(name, _)| name == key);
    let only = |allowed: &[&str]| {
        entries
            .iter()
            .all(|(name, _)| allowed.contains(&name.as_str()))
    };
    if has("query") && has("mailboxUrn") {
        Some(QueryKind::ConversationsByCategory)
    } else if has("mailboxUrn") && only(&["mailboxUrn", "syncToken"]) {
        Some(QueryKind::ConversationsBySyncToken)
    } else if has("deliveredAt") && has("countBefore") {
        Some(QueryKind::MessagesByAnchor)
    } else if has("prevCursor") && has("conversationUrn") {
        Some(QueryKind::MessagesByCursor)
    } else if has("conversationUrn") && only(&["conversationUrn", "syncToken"]) {
        Some(QueryKind::MessagesLatest)
    } else {
        None
    }
}

/// The raw values of a parameter in a URL's query string.
fn query_parameter<'u>(url: &'u str, name: &str) -> impl Iterator<Item = &'u str> {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    let query = query.split('#').next().unwrap_or_default();
    let prefix = format!("{name}=");
    query
        .split('&')
        .filter_map(move |pair| pair.strip_prefix(prefix.as_str()))
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
