//! What the push answer says about history an import covers (`historyCovered`).

use std::collections::BTreeSet;

use ping_core::ids::ConversationUrn;
use ping_protocol::RawPushBatch;

use crate::ids::UserId;
use crate::store::{IngestBatch, Store, StoreResult};

/// The conversations a push names as still missing their older history.
pub fn pending_history(raw: &RawPushBatch) -> Vec<String> {
    raw.history_pending
        .iter()
        .filter_map(|urn| urn.as_str().map(str::to_owned))
        .collect()
}

/// The conversations of a push batch (listed, named by its messages, or named as pending
/// history) whose older history the store holds from an import, joined without a gap to what
/// the live sync stored: the extension need not page further back in them.
pub async fn history_covered(
    store: &dyn Store,
    user: UserId,
    batch: &IngestBatch,
    pending: &[String],
) -> StoreResult<Vec<ConversationUrn>> {
    let urns: BTreeSet<&str> = batch
        .conversations
        .iter()
        .map(|c| c.urn.as_str())
        .chain(batch.messages.iter().map(|m| m.conversation_urn.as_str()))
        .chain(pending.iter().map(String::as_str))
        .collect();
    let urns: Vec<String> = urns.into_iter().map(str::to_owned).collect();
    if urns.is_empty() {
        return Ok(Vec::new());
    }
    Ok(store
        .history_covered(user, &urns)
        .await?
        .iter()
        .filter_map(|urn| ConversationUrn::parse(urn).ok())
        .collect())
}
