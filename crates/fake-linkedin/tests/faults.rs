//! Injected faults fire exactly as configured.

use fake_linkedin::Fault;

use crate::common::{get, start};

#[tokio::test]
async fn a_fault_fires_the_configured_number_of_times_then_calls_succeed() {
    let server = start(2, 0..=1).await;
    server.inject(
        Fault::TooManyRequests {
            retry_after_secs: Some(42),
            challenge: false,
        },
        2,
    );
    for _ in 0..2 {
        let response = get(&server, "/voyager/api/me").await;
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "42");
    }
    assert_eq!(get(&server, "/voyager/api/me").await.status(), 200);
}

#[tokio::test]
async fn each_kind_of_fault_has_its_own_answer_and_faults_queue_in_order() {
    let server = start(2, 0..=1).await;
    server.inject(
        Fault::TooManyRequests {
            retry_after_secs: None,
            challenge: true,
        },
        1,
    );
    server.inject(Fault::RequestDenied, 1);
    server.inject(Fault::ServerError, 1);
    server.inject(Fault::CsrfFailure, 1);

    let challenge = get(&server, "/voyager/api/me").await;
    assert_eq!(challenge.status(), 429);
    assert!(challenge.headers().get("retry-after").is_none());
    assert!(
        challenge
            .text()
            .await
            .unwrap()
            .contains("/checkpoint/challenge/")
    );
    assert_eq!(get(&server, "/voyager/api/me").await.status().as_u16(), 999);
    assert!(
        get(&server, "/voyager/api/me")
            .await
            .status()
            .is_server_error()
    );
    let csrf = get(&server, "/voyager/api/me").await;
    assert_eq!(csrf.status(), 403);
    assert_eq!(csrf.text().await.unwrap(), "CSRF check failed.");
    assert_eq!(get(&server, "/voyager/api/me").await.status(), 200);
}

#[tokio::test]
async fn a_persistent_fault_lasts_until_cleared_and_pages_are_not_affected() {
    let server = start(2, 0..=1).await;
    server.inject_persistent(Fault::ServerError);
    for _ in 0..5 {
        assert_eq!(get(&server, "/voyager/api/me").await.status(), 503);
    }
    assert_eq!(get(&server, "/feed/").await.status(), 200);
    server.clear_faults();
    assert_eq!(get(&server, "/voyager/api/me").await.status(), 200);
}

#[tokio::test]
async fn the_request_log_records_method_path_query_headers_and_body() {
    let server = start(2, 0..=1).await;
    server.clear_requests();
    get(&server, "/voyager/api/me?x=1").await;
    let log = server.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            log[0].method.as_str(),
            log[0].path.as_str(),
            log[0].query.as_str()
        ),
        ("GET", "/voyager/api/me", "x=1")
    );
    assert!(log[0].header("cookie").unwrap().contains("li_at="));
    assert_eq!(
        log[0].header("csrf-token"),
        Some("ajax:5128830019927411742")
    );
}
