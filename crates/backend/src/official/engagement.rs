//! Engagement sync (§4): comments and reactions on the organisation posts Ping sent, paged
//! through and recorded once each, attached to the contact whose Profile Association names the
//! actor. A 429 backs the user's polls off; a 403 says which scope or product is missing.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::associations::backoff;
use super::client::{self, ApiCallError, path_key};
use super::connection::access_token;
use super::error::OfficialError;
use super::scopes::ENGAGEMENT;
use crate::ids::UserId;
use crate::settings::Secret;
use crate::state::AppState;
use crate::store::{EngagementKind, EngagementState, EngagementSync, NewEngagement};

/// Elements asked per page.
const PAGE_SIZE: usize = 50;
/// Pages read per post and kind at most, so one busy post cannot eat the daily quota.
const MAX_PAGES: usize = 20;
/// The newest posts polled.
const POSTS_POLLED: u32 = 50;

/// Scopes that read comments and reactions: the older pages' name and the newer one (§7).
fn can_read_engagement(granted: &[String]) -> bool {
    granted
        .iter()
        .any(|scope| scope == ENGAGEMENT || scope == "r_organization_social_feed")
}

#[derive(Deserialize)]
struct Page<T> {
    elements: Vec<T>,
    #[serde(default)]
    paging: Paging,
}

#[derive(Deserialize, Default)]
struct Paging {
    total: Option<usize>,
}

#[derive(Deserialize, Default)]
struct Created {
    actor: Option<String>,
    #[serde(default)]
    time: i64,
}

#[derive(Deserialize, Default)]
struct Text {
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    id: Option<String>,
    comment_urn: Option<String>,
    actor: Option<String>,
    #[serde(default)]
    message: Text,
    #[serde(default)]
    created: Created,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reaction {
    id: String,
    #[serde(default)]
    reaction_type: String,
    #[serde(default)]
    created: Created,
}

fn occurred(created: &Created, now: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(created.time)
        .filter(|_| created.time > 0)
        .unwrap_or(now)
}

impl Comment {
    fn engagement(self, post: &str, now: DateTime<Utc>) -> Option<NewEngagement> {
        Some(NewEngagement {
            occurred_at: occurred(&self.created, now),
            engagement_id: self.comment_urn.or(self.id)?,
            kind: EngagementKind::Comment,
            post_urn: post.to_owned(),
            actor: self.actor.or(self.created.actor)?,
            content: self.message.text,
        })
    }
}

impl Reaction {
    /// The actor from `created`, else from the id `urn:li:reaction:(<actor>,<entity>)`.
    fn engagement(self, post: &str, now: DateTime<Utc>) -> Option<NewEngagement> {
        let from_id = self
            .id
            .strip_prefix("urn:li:reaction:(")
            .and_then(|rest| rest.split_once(','))
            .map(|(actor, _)| actor.to_owned());
        Some(NewEngagement {
            occurred_at: occurred(&self.created, now),
            actor: self.created.actor.or(from_id)?,
            engagement_id: self.id,
            kind: EngagementKind::Reaction,
            post_urn: post.to_owned(),
            content: self.reaction_type,
        })
    }
}

/// Every element of a paged list, `path` taking the `start`.
async fn read_all<T: DeserializeOwned>(
    state: &AppState,
    token: &Secret<String>,
    path: impl Fn(usize) -> String,
) -> Result<Vec<T>, ApiCallError> {
    let mut all = Vec::new();
    for _ in 0..MAX_PAGES {
        let page: Page<T> =
            client::get_json(&state.config.official, token, &path(all.len())).await?;
        let read = page.elements.len();
        all.extend(page.elements);
        // LinkedIn may answer fewer than asked per page: the total, where given, says when
        // the list ends.
        let done = match page.paging.total {
            Some(total) => all.len() >= total,
            None => read < PAGE_SIZE,
        };
        if read == 0 || done {
            break;
        }
    }
    Ok(all)
}

/// The engagement of one post, comments first.
async fn post_engagement(
    state: &AppState,
    token: &Secret<String>,
    post: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NewEngagement>, ApiCallError> {
    let key = path_key(post);
    let comments: Vec<Comment> = read_all(state, token, |start| {
        format!("/rest/socialActions/{key}/comments?start={start}&count={PAGE_SIZE}")
    })
    .await?;
    let reactions: Vec<Reaction> = read_all(state, token, |start| {
        format!(
            "/rest/reactions/(entity:{key})?q=entity&sort=(value:REVERSE_CHRONOLOGICAL)\
             &start={start}&count={PAGE_SIZE}"
        )
    })
    .await?;
    Ok(comments
        .into_iter()
        .filter_map(|comment| comment.engagement(post, now))
        .chain(
            reactions
                .into_iter()
                .filter_map(|reaction| reaction.engagement(post, now)),
        )
        .collect())
}

/// What a failed poll leaves for the page.
fn failed_sync(error: ApiCallError, throttled_before: u32, now: DateTime<Utc>) -> EngagementSync {
    let sync = |state, message: String| EngagementSync {
        state,
        message: Some(message).filter(|message| !message.is_empty()),
        throttled: 0,
        polled_at: now,
        poll_after: None,
    };
    match error {
        ApiCallError::Status { status, body } if status == StatusCode::TOO_MANY_REQUESTS => {
            let throttled = throttled_before + 1;
            EngagementSync {
                throttled,
                poll_after: Some(now + backoff(throttled)),
                ..sync(EngagementState::Throttled, body.message)
            }
        }
        ApiCallError::Status { status, body } if status == StatusCode::FORBIDDEN => {
            sync(EngagementState::MissingProduct, body.message)
        }
        error => sync(EngagementState::Failed, error.to_string()),
    }
}

/// Polls the user's posts once, unless a 429's backoff still runs or another backend process
/// polled within half the job's interval, and keeps the outcome; how many comments and
/// reactions were new.
pub async fn sync_engagement(state: &AppState, user: UserId) -> Result<u32, OfficialError> {
    let now = state.clock.now();
    let before = state.store.get_engagement_sync(user).await?;
    let gap = Duration::from_std(state.config.official.job_interval / 2).unwrap_or_default();
    if !state
        .store
        .claim_engagement_poll(user, now, now - gap)
        .await?
    {
        return Ok(0);
    }
    let Some(connection) = state.store.get_official_connection(user).await? else {
        return Err(OfficialError::NotConnected);
    };
    let mut sync = EngagementSync {
        state: EngagementState::Ok,
        message: None,
        throttled: 0,
        polled_at: now,
        poll_after: None,
    };
    let mut recorded = 0;
    if !can_read_engagement(&connection.granted_scopes) {
        sync.state = EngagementState::MissingScope;
    } else {
        match access_token(state, user).await {
            Ok(token) => {
                let throttled_before = before.map_or(0, |sync| sync.throttled);
                let posts = state.store.list_posts(user, POSTS_POLLED).await?;
                for post in posts.iter().filter_map(|post| post.post_urn.as_deref()) {
                    match post_engagement(state, &token, post, now).await {
                        Ok(engagement) => {
                            for one in &engagement {
                                let new = state.store.record_engagement(user, one, now).await?;
                                recorded += u32::from(new);
                            }
                        }
                        Err(error) => {
                            sync = failed_sync(error, throttled_before, now);
                            break;
                        }
                    }
                }
            }
            Err(OfficialError::Store(error)) => return Err(error.into()),
            Err(error) => {
                sync.state = EngagementState::Failed;
                sync.message = Some(error.to_string());
            }
        }
    }
    if sync.state != EngagementState::Ok {
        tracing::info!(%user, state = sync.state.name(), "LinkedIn engagement not read");
    }
    state.store.save_engagement_sync(user, &sync).await?;
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    #[test]
    fn a_reactions_actor_is_read_from_its_id_when_created_names_none() {
        let reaction: Reaction = serde_json::from_value(serde_json::json!({
            "id": "urn:li:reaction:(urn:li:person:Ab3dEf,urn:li:share:1)",
            "reactionType": "PRAISE", "root": "urn:li:share:1"
        }))
        .unwrap();
        let engagement = reaction.engagement("urn:li:share:1", now()).unwrap();
        assert_eq!(engagement.actor, "urn:li:person:Ab3dEf");
        assert_eq!(engagement.content, "PRAISE");
        assert_eq!(engagement.occurred_at, now());
    }

    #[test]
    fn a_comment_is_known_by_its_comment_urn() {
        let comment: Comment = serde_json::from_value(serde_json::json!({
            "id": "7182400000000000000", "actor": "urn:li:person:Ab3dEf",
            "commentUrn": "urn:li:comment:(urn:li:activity:1,7182400000000000000)",
            "message": {"text": "Great webinar"}, "created": {"time": 1_718_000_000_000_i64}
        }))
        .unwrap();
        let engagement = comment.engagement("urn:li:share:1", now()).unwrap();
        assert!(engagement.engagement_id.starts_with("urn:li:comment:"));
        assert_eq!(engagement.occurred_at.timestamp_millis(), 1_718_000_000_000);
    }

    #[test]
    fn throttling_backs_the_polls_off_and_a_403_names_the_missing_product() {
        let throttled = ApiCallError::Status {
            status: StatusCode::TOO_MANY_REQUESTS,
            body: Default::default(),
        };
        let sync = failed_sync(throttled, 1, now());
        assert_eq!(sync.state, EngagementState::Throttled);
        assert_eq!(sync.poll_after, Some(now() + backoff(2)));
        let forbidden = ApiCallError::Status {
            status: StatusCode::FORBIDDEN,
            body: Default::default(),
        };
        assert_eq!(
            failed_sync(forbidden, 0, now()).state,
            EngagementState::MissingProduct
        );
    }
}
