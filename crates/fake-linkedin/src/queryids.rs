//! The live set of GraphQL query ids, and their rotation.

use ping_core::ids::QueryId;

use crate::rng::{hex32, keyed_hash};

/// The client's built-in ids, live by default.
pub const BUILT_IN: [&str; 5] = [
    "messengerConversations.0d5e6781bbee71c3e51c8843c6519f48",
    "messengerConversations.9501074288a12f3ae9e3c7ea243bccbf",
    "messengerMessages.5846eeb71c981f11e0134cb6626cc314",
    "messengerMessages.d8ea76885a52fd5dc5c317078ab7c977",
    "messengerMessages.34c9888be71c8010fecfb575cb38308f",
];

/// The ids the server currently answers.
#[derive(Debug, Clone)]
pub struct LiveQueryIds {
    generation: u64,
    ids: Vec<QueryId>,
}

impl Default for LiveQueryIds {
    fn default() -> Self {
        Self {
            generation: 0,
            ids: BUILT_IN
                .iter()
                .filter_map(|raw| QueryId::parse(raw).ok())
                .collect(),
        }
    }
}

impl LiveQueryIds {
    /// Replaces every hash with a new deterministic one (never a built-in one).
    pub fn rotate(&mut self) {
        self.generation += 1;
        let generation = self.generation;
        self.ids = BUILT_IN
            .iter()
            .enumerate()
            .filter_map(|(i, raw)| {
                let name = raw.split('.').next().unwrap_or_default();
                let data = format!("{name}.{i}.{generation}");
                QueryId::parse(&format!(
                    "{name}.{}",
                    hex32(keyed_hash(b"rotation", data.as_bytes()))
                ))
                .ok()
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

    /// The live ids.
    pub fn ids(&self) -> &[QueryId] {
        &self.ids
    }
}
