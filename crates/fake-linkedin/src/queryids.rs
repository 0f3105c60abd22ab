//! The live set of GraphQL query ids, their rotation, and where the web client shows them.
//!
//! Like LinkedIn's (voyager-api.md §4.2), each live id answers one variant: given another
//! variant's variables it answers HTTP 200 with GraphQL errors. The `/messaging/` page
//! requests live ids itself ([`MessagingPage`] says which), and the web client's bundle
//! declares every live id among dead decoys, without saying which variant each answers.

use ping_core::ids::QueryId;
use ping_core::voyager::QueryKind;

use crate::rng::{hex32, keyed_hash};

/// The client's built-in ids, live by default.
pub const BUILT_IN: [&str; 5] = [
    "messengerConversations.0d5e6781bbee71c3e51c8843c6519f48",
    "messengerConversations.9501074288a12f3ae9e3c7ea243bccbf",
    "messengerMessages.5846eeb71c981f11e0134cb6626cc314",
    "messengerMessages.d8ea76885a52fd5dc5c317078ab7c977",
    "messengerMessages.34c9888be71c8010fecfb575cb38308f",
];

/// The variant each id of [`BUILT_IN`] (and of every rotation) answers, in the same order.
const VARIANTS: [QueryKind; 5] = [
    QueryKind::ConversationsBySyncToken,
    QueryKind::ConversationsByCategory,
    QueryKind::MessagesLatest,
    QueryKind::MessagesByAnchor,
    QueryKind::MessagesByCursor,
];

/// Dead ids the bundle declares per query name, before and between the live ones.
const DECOYS_PER_NAME: usize = 3;

/// What the `/messaging/` page's own requests name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessagingPage {
    /// Every live id.
    #[default]
    EveryId,
    /// The conversations ids only, as when no thread is opened: the messages ids show only
    /// in the bundle.
    ConversationsOnly,
}

/// The ids the server currently answers.
#[derive(Debug, Clone)]
pub struct LiveQueryIds {
    generation: u64,
    /// One per variant, in [`VARIANTS`] order.
    ids: Vec<QueryId>,
    messaging_page: MessagingPage,
}

impl Default for LiveQueryIds {
    fn default() -> Self {
        Self {
            generation: 0,
            ids: BUILT_IN
                .iter()
                .filter_map(|raw| QueryId::parse(raw).ok())
                .collect(),
            messaging_page: MessagingPage::default(),
        }
    }
}

impl LiveQueryIds {
    /// Replaces every hash with a new deterministic one (never a built-in one); from now on
    /// the messaging page requests what `messaging_page` says.
    pub fn rotate(&mut self, messaging_page: MessagingPage) {
        self.generation += 1;
        self.messaging_page = messaging_page;
        self.ids = BUILT_IN
            .iter()
            .enumerate()
            .filter_map(|(i, raw)| {
                let name = raw.split('.').next().unwrap_or_default();
                self.minted(name, &format!("{i}"))
            })
            .collect();
    }

    /// Back to the built-in ids.
    pub fn restore(&mut self) {
        *self = Self::default();
    }

    /// Whether this exact id is answered.
    pub fn is_live(&self, id: &QueryId) -> bool {
        self.ids.contains(id)
    }

    /// Why a live id does not answer a request with these variable names, if it does not: it
    /// belongs to another variant.
    pub fn variant_mismatch(&self, id: &QueryId, variables: &[&str]) -> Option<String> {
        let position = self.ids.iter().position(|live| live == id)?;
        let asked = asked_variant(id.name(), variables)?;
        (VARIANTS[position] != asked)
            .then(|| format!("Validation error: {id} does not take the variables {variables:?}"))
    }

    /// The live ids.
    pub fn ids(&self) -> &[QueryId] {
        &self.ids
    }

    /// The live ids the messaging page requests, with the variant each answers.
    pub fn requested_by_messaging_page(&self) -> Vec<(QueryKind, QueryId)> {
        VARIANTS
            .into_iter()
            .zip(self.ids.iter().cloned())
            .filter(|(kind, _)| {
                self.messaging_page == MessagingPage::EveryId
                    || kind.query_name() == "messengerConversations"
            })
            .collect()
    }

    /// What the web client's bundle declares, in order: per query name, dead decoys with the
    /// live ids between them, the variants in the reverse of the client's order of use (so a
    /// client trying them in order pays for its guesses).
    pub fn declared_in_bundle(&self) -> Vec<QueryId> {
        let mut declared = Vec::new();
        for name in ["messengerConversations", "messengerMessages"] {
            let live = VARIANTS
                .iter()
                .zip(&self.ids)
                .filter(|(kind, _)| kind.query_name() == name)
                .map(|(_, id)| id.clone())
                .rev();
            let decoys =
                (0..DECOYS_PER_NAME).filter_map(|n| self.minted(name, &format!("decoy{n}")));
            let mut decoys = decoys.peekable();
            for id in live {
                declared.extend(decoys.next());
                declared.push(id);
            }
            declared.extend(decoys);
        }
        declared
    }

    /// A deterministic id of this generation, never a built-in one.
    fn minted(&self, name: &str, label: &str) -> Option<QueryId> {
        let data = format!("{name}.{label}.{}", self.generation);
        QueryId::parse(&format!(
            "{name}.{}",
            hex32(keyed_hash(b"rotation", data.as_bytes()))
        ))
        .ok()
    }
}

/// The variant a request asks for, by its query name and variable names (the way the
/// `messengerConversations` and `messengerMessages` handlers route).
fn asked_variant(name: &str, variables: &[&str]) -> Option<QueryKind> {
    let has = |key: &str| variables.contains(&key);
    match name {
        "messengerConversations" if has("query") || has("category") => {
            Some(QueryKind::ConversationsByCategory)
        }
        "messengerConversations" => Some(QueryKind::ConversationsBySyncToken),
        "messengerMessages" if has("deliveredAt") => Some(QueryKind::MessagesByAnchor),
        "messengerMessages" if has("prevCursor") => Some(QueryKind::MessagesByCursor),
        "messengerMessages" => Some(QueryKind::MessagesLatest),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotation_mints_ids_no_client_knows_with_the_same_decoys_each_time() {
        let mut first = LiveQueryIds::default();
        first.rotate(MessagingPage::EveryId);
        let mut second = LiveQueryIds::default();
        second.rotate(MessagingPage::ConversationsOnly);
        assert_eq!(first.ids(), second.ids());
        assert_eq!(first.declared_in_bundle(), second.declared_in_bundle());
        assert!(
            first
                .ids()
                .iter()
                .all(|id| !BUILT_IN.contains(&id.to_string().as_str()))
        );
    }

    #[test]
    fn a_live_id_answers_its_own_variant_only() {
        let live = LiveQueryIds::default();
        let recent = &live.ids()[0];
        assert_eq!(live.variant_mismatch(recent, &["mailboxUrn"]), None);
        assert!(
            live.variant_mismatch(
                recent,
                &["count", "lastUpdatedBefore", "mailboxUrn", "query"]
            )
            .is_some()
        );
        let cursor = &live.ids()[4];
        assert_eq!(
            live.variant_mismatch(cursor, &["conversationUrn", "count", "prevCursor"]),
            None
        );
        assert!(
            live.variant_mismatch(cursor, &["conversationUrn"])
                .is_some()
        );
    }
}
