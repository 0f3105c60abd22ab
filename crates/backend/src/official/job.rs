//! The official API's background job: each round, for every connected app, renews the tokens
//! when due (and records LinkedIn's refusal), emails the expiry reminder once per token end,
//! and polls engagement. Time comes from the state's clock, so tests run a round at any date.

use super::connection::{fresh_connection, health};
use super::engagement::sync_engagement;
use super::error::OfficialError;
use super::expiry::TokenHealth;
use crate::ids::UserId;
use crate::state::AppState;

/// One round over every connected user; a user's failure is logged and the others go on.
pub async fn run_round(state: &AppState) {
    let users = match state.store.connected_users().await {
        Ok(users) => users,
        Err(error) => {
            tracing::warn!(%error, "official API job: listing connections");
            return;
        }
    };
    for (user, email) in users {
        if let Err(error) = run_for(state, user, &email).await {
            tracing::warn!(%user, %error, "official API job");
        }
    }
}

async fn run_for(state: &AppState, user: UserId, email: &str) -> Result<(), OfficialError> {
    let Some(connection) = fresh_connection(state, user).await? else {
        return Ok(());
    };
    if let (Some(mailer), TokenHealth::ExpiresSoon { days_left, .. }) = (
        &state.config.official.mailer,
        health(&connection, state.clock.now()),
    ) && state
        .store
        .claim_reminder(user, connection.access_expires_at)
        .await?
    {
        let page = state.config.official.app_page_url();
        let sent = mailer
            .send_reminder(email, days_left, connection.access_expires_at, &page)
            .await;
        match sent {
            Ok(()) => tracing::info!(%user, days_left, "LinkedIn expiry reminder emailed"),
            Err(error) => {
                // Given back, so the next round tries again.
                tracing::warn!(%user, %error, "LinkedIn expiry reminder not sent");
                state.store.release_reminder(user).await?;
            }
        }
    }
    let recorded = sync_engagement(state, user).await?;
    if recorded > 0 {
        tracing::info!(%user, recorded, "LinkedIn comments and reactions recorded");
    }
    Ok(())
}

/// Runs a round every `state.config.official.job_interval`, for as long as the process lives.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(state.config.official.job_interval);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            run_round(&state).await;
        }
    });
}
