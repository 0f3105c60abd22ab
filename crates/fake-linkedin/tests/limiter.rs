//! The limiter over the member's calls: 429 with `Retry-After`, then a checkpoint, then a
//! revoked session, as core's classifier reads them; windows that slide; the control API.

use std::time::Duration;

use fake_linkedin::{FakeServer, LimiterClock, LimiterEvent, LimiterState, Limits, ManualClock};
use ping_core::voyager::{HttpResponse, VoyagerCall, VoyagerFailure, classify};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{control, get, start, start_with};

const ME: &str = "/voyager/api/me";

/// A server whose limiter allows `per_minute` calls a minute and `strikes` strikes, on a clock
/// the test moves.
async fn limited(per_minute: u32, strikes: u32) -> (FakeServer, ManualClock) {
    let clock = ManualClock::default();
    let server = start_with(2, 0..=1, |config| {
        config.limiter = Some(Limits {
            per_minute,
            strikes,
            ..Limits::default()
        });
        config.limiter_clock = LimiterClock::Manual(clock.clone());
    })
    .await;
    (server, clock)
}

/// The answer to `GET /voyager/api/me` and what core's classifier makes of it.
async fn call_me(server: &FakeServer) -> (HttpResponse, Result<(), VoyagerFailure>) {
    let response = get(server, ME).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    let answer = HttpResponse {
        status,
        headers,
        body: response.text().await.unwrap(),
        ..HttpResponse::default()
    };
    let meaning = classify(&VoyagerCall::Me, &answer);
    (answer, meaning)
}

fn throttled(retry_after_secs: Option<u64>, challenge: bool) -> Result<(), VoyagerFailure> {
    Err(VoyagerFailure::Throttled {
        retry_after_secs,
        challenge,
    })
}

#[tokio::test]
async fn over_the_minute_a_429_then_strikes_a_checkpoint_and_a_revoked_session() {
    let (server, clock) = limited(3, 1).await;
    for _ in 0..3 {
        assert_eq!(call_me(&server).await.1, Ok(()));
    }

    let (answer, meaning) = call_me(&server).await;
    assert_eq!(answer.status, 429);
    assert_eq!(answer.header("retry-after"), Some("60"));
    let body: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body, json!({"status": 429}));
    assert_eq!(meaning, throttled(Some(60), false));

    clock.advance(Duration::from_secs(1));
    assert_eq!(call_me(&server).await.1, throttled(Some(59), false));

    let (answer, meaning) = call_me(&server).await;
    assert_eq!(answer.status, 429);
    assert!(answer.body.contains("/checkpoint/challenge/"));
    assert_eq!(meaning, throttled(None, true));

    let (answer, meaning) = call_me(&server).await;
    assert_eq!(answer.status, 401);
    assert_eq!(meaning, Err(VoyagerFailure::SessionExpired));
    clock.advance(Duration::from_secs(2 * 3600));
    assert_eq!(
        get(&server, ME).await.status(),
        401,
        "li_at is no longer accepted"
    );

    assert_eq!(
        server.limiter(),
        LimiterState {
            enabled: true,
            limits: Some(Limits {
                per_minute: 3,
                strikes: 1,
                ..Limits::default()
            }),
            calls: 7,
            strikes: 2,
            checkpoint_served: true,
            session_revoked: true,
            most_calls_in_a_minute: 7,
            most_calls_in_an_hour: 7,
        },
        "calls after the revocation are refused before the limiter counts them"
    );
    let events: Vec<LimiterEvent> = server.requests().iter().filter_map(|r| r.limiter).collect();
    assert_eq!(
        events,
        [
            LimiterEvent::TooManyRequests {
                retry_after_secs: 60
            },
            LimiterEvent::Strike {
                retry_after_secs: 59
            },
            LimiterEvent::Checkpoint,
            LimiterEvent::SessionRevoked,
        ]
    );
}

#[tokio::test]
async fn after_the_window_slides_calls_are_answered_again() {
    let (server, clock) = limited(2, 0).await;
    for _ in 0..3 {
        for _ in 0..2 {
            assert_eq!(get(&server, ME).await.status(), 200);
        }
        let refused = get(&server, ME).await;
        assert_eq!(refused.status(), 429);
        let retry_after: u64 = refused.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        clock.advance(Duration::from_secs(retry_after));
    }
    assert_eq!(get(&server, ME).await.status(), 200);
    let state = server.limiter();
    assert_eq!((state.strikes, state.session_revoked), (0, false));
    assert_eq!(state.most_calls_in_a_minute, 3);
}

#[tokio::test]
async fn the_limiter_is_off_unless_asked_for() {
    let server = start(2, 0..=1).await;
    let beyond_linkedin_like = Limits::default().per_minute + 1;
    for _ in 0..beyond_linkedin_like {
        assert_eq!(get(&server, ME).await.status(), 200);
    }
    assert_eq!(server.limiter(), LimiterState::default());
    assert!(server.requests().iter().all(|r| r.limiter.is_none()));
}

#[tokio::test]
async fn the_control_api_turns_the_limiter_on_reads_it_and_turns_it_off() {
    let server = start(2, 0..=1).await;
    let on = control(
        &server,
        Method::POST,
        "limiter",
        Some(json!({"perMinute": 1, "strikes": 0})),
    )
    .await;
    assert_eq!(
        on,
        json!({"enabled": true, "limits": {"perMinute": 1, "perHour": 900, "strikes": 0},
               "calls": 0, "strikes": 0, "checkpointServed": false, "sessionRevoked": false,
               "mostCallsInAMinute": 0, "mostCallsInAnHour": 0})
    );

    // Real time here: the four calls come well within a minute.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(get(&server, ME).await.status());
    }
    assert_eq!(statuses, [200, 429, 429, 401]);
    assert_eq!(
        control(&server, Method::GET, "limiter", None).await,
        json!({"enabled": true, "limits": {"perMinute": 1, "perHour": 900, "strikes": 0},
               "calls": 4, "strikes": 1, "checkpointServed": true, "sessionRevoked": true,
               "mostCallsInAMinute": 4, "mostCallsInAnHour": 4})
    );
    let log = control(&server, Method::GET, "requests", None).await;
    let events: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("limiter"))
        .collect();
    assert_eq!(
        events,
        [
            &json!({"event": "tooManyRequests", "retryAfterSecs": 60}),
            &json!({"event": "checkpoint"}),
            &json!({"event": "sessionRevoked"}),
        ]
    );

    let off = control(&server, Method::DELETE, "limiter", None).await;
    assert_eq!(off, serde_json::to_value(LimiterState::default()).unwrap());
    assert_eq!(
        get(&server, ME).await.status(),
        401,
        "turning the limiter off restores no session"
    );
    server.revoke_session(false);
    assert_eq!(get(&server, ME).await.status(), 200);

    let defaults = control(&server, Method::POST, "limiter", None).await;
    assert_eq!(
        defaults["limits"],
        json!({"perMinute": 100, "perHour": 900, "strikes": 3})
    );
}
