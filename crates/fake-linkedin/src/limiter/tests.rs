use super::*;

fn limiter(per_minute: u32, per_hour: u32, strikes: u32) -> (Limiter, ManualClock) {
    let clock = ManualClock::default();
    let limits = Limits {
        per_minute,
        per_hour,
        strikes,
    };
    (
        Limiter::new(limits, LimiterClock::Manual(clock.clone())),
        clock,
    )
}

fn calls(limiter: &mut Limiter, count: usize) -> Vec<Option<LimiterEvent>> {
    (0..count).map(|_| limiter.call()).collect()
}

#[test]
fn calls_under_the_limits_are_answered_and_counted() {
    let (mut limiter, clock) = limiter(3, 100, 1);
    for _ in 0..10 {
        assert_eq!(calls(&mut limiter, 3), [None, None, None]);
        clock.advance(MINUTE);
    }
    let state = limiter.state();
    assert_eq!(state.calls, 30);
    assert_eq!(state.most_calls_in_a_minute, 3);
    assert_eq!(state.most_calls_in_an_hour, 30);
    assert_eq!(state.strikes, 0);
}

#[test]
fn retry_after_is_when_a_call_would_be_answered_again() {
    let (mut limiter, clock) = limiter(2, 100, 1);
    limiter.call();
    clock.advance(Duration::from_secs(20));
    limiter.call();
    clock.advance(Duration::from_millis(500));
    // The refused call counts too: the calls at 0 s and 20 s must both leave the minute.
    assert_eq!(
        limiter.call(),
        Some(LimiterEvent::TooManyRequests {
            retry_after_secs: 60
        })
    );
    clock.advance(Duration::from_secs(59));
    assert!(matches!(limiter.call(), Some(LimiterEvent::Strike { .. })));
    clock.advance(Duration::from_secs(61));
    assert_eq!(limiter.call(), None);
}

#[test]
fn strikes_then_a_checkpoint_then_a_revoked_session() {
    let (mut limiter, clock) = limiter(1, 100, 2);
    assert_eq!(limiter.call(), None);
    let limited = limiter.call();
    assert_eq!(
        limited,
        Some(LimiterEvent::TooManyRequests {
            retry_after_secs: 60
        })
    );
    clock.advance(Duration::from_secs(1));
    assert!(matches!(limiter.call(), Some(LimiterEvent::Strike { .. })));
    assert!(matches!(limiter.call(), Some(LimiterEvent::Strike { .. })));
    assert_eq!(limiter.call(), Some(LimiterEvent::Checkpoint));
    clock.advance(HOUR * 2);
    assert_eq!(
        limiter.call(),
        Some(LimiterEvent::SessionRevoked),
        "a checkpoint stays until resolved"
    );
    let state = limiter.state();
    assert_eq!(state.strikes, 3);
    assert!(state.checkpoint_served && state.session_revoked);
}

#[test]
fn a_client_that_honours_retry_after_is_never_struck() {
    let (mut limiter, clock) = limiter(2, 100, 0);
    for _ in 0..5 {
        calls(&mut limiter, 2);
        let Some(LimiterEvent::TooManyRequests { retry_after_secs }) = limiter.call() else {
            panic!("the third call in a minute is refused");
        };
        clock.advance(Duration::from_secs(retry_after_secs));
    }
    assert_eq!(limiter.call(), None);
    assert_eq!(limiter.state().strikes, 0);
}

#[test]
fn refused_calls_count_so_calling_on_pushes_retry_after_out() {
    let (mut limiter, clock) = limiter(1, 100, 10);
    limiter.call();
    clock.advance(Duration::from_secs(30));
    assert_eq!(
        limiter.call(),
        Some(LimiterEvent::TooManyRequests {
            retry_after_secs: 60
        })
    );
    clock.advance(Duration::from_secs(10));
    // Answered calls may come again at 100 s instead of 90 s.
    assert_eq!(
        limiter.call(),
        Some(LimiterEvent::Strike {
            retry_after_secs: 60
        })
    );
}

#[test]
fn the_hour_limit_holds_when_every_minute_is_under_its_own() {
    let (mut limiter, clock) = limiter(10, 25, 5);
    for _ in 0..5 {
        assert!(calls(&mut limiter, 5).iter().all(Option::is_none));
        clock.advance(MINUTE);
    }
    assert_eq!(
        limiter.call(),
        Some(LimiterEvent::TooManyRequests {
            retry_after_secs: 55 * 60
        })
    );
    assert_eq!(limiter.state().most_calls_in_an_hour, 26);
}
