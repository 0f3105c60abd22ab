//! Checking contacts' CRM Sync records against Sales Navigator Profile Associations.

use serde::Serialize;

use super::associations::{AssociationBody, AssociationState, outcome};
use super::client;
use super::connection::access_token;
use super::error::OfficialError;
use crate::ids::UserId;
use crate::state::AppState;

/// Records checked at most per run, so one click stays well inside LinkedIn's daily quota.
const PER_RUN: u32 = 50;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CheckCounts {
    pub checked: u32,
    pub matched: u32,
    /// LinkedIn answered 429: the run stopped there (the quota is the app's, not a record's).
    pub throttled: bool,
}

pub async fn check_associations(
    state: &AppState,
    user: UserId,
) -> Result<CheckCounts, OfficialError> {
    let token = access_token(state, user).await?;
    let now = state.clock.now();
    let mut counts = CheckCounts::default();
    for record in state.store.due_crm_records(user, now, PER_RUN).await? {
        let path = format!(
            "/v2/salesNavigatorProfileAssociations/{}",
            record.key.path_key()
        );
        let answer =
            client::get_json::<AssociationBody>(&state.config.official, &token, &path).await;
        let outcome = outcome(answer, record.throttled, now);
        state
            .store
            .record_association(user, record.contact, &outcome, now)
            .await?;
        counts.checked += 1;
        match outcome.state {
            AssociationState::Matched => counts.matched += 1,
            AssociationState::Throttled => {
                counts.throttled = true;
                break;
            }
            _ => {}
        }
    }
    if counts.matched > 0 {
        // A matched photo may have queued an avatar download.
        state.avatar_wakeup.notify_one();
    }
    Ok(counts)
}
