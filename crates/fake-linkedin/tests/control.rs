//! The control API over HTTP and the run-time and generation knobs.

use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn the_control_api_drives_faults_activity_session_and_the_log() {
    let server = start(8, 1..=2).await;
    let http = reqwest::Client::new();
    let base = server.base_url();
    assert_eq!(
        http.get(format!("{base}/__fake/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    http.delete(format!("{base}/__fake/requests"))
        .send()
        .await
        .unwrap();

    http.post(format!("{base}/__fake/faults"))
        .json(&json!({"kind": "429", "times": 1, "retry_after": 7}))
        .send()
        .await
        .unwrap();
    let throttled = get(&server, "/voyager/api/me").await;
    assert_eq!(
        (
            throttled.status().as_u16(),
            throttled.headers()["retry-after"].to_str().unwrap()
        ),
        (429, "7")
    );

    let activity: Value = http
        .post(format!("{base}/__fake/activity"))
        .json(&json!({"conversations": 3, "messagesEach": 2}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(activity["conversations"].as_array().unwrap().len(), 3);

    http.post(format!("{base}/__fake/session"))
        .json(&json!({"revoked": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&server, "/voyager/api/me").await.status(), 401);
    http.post(format!("{base}/__fake/session"))
        .json(&json!({"revoked": false}))
        .send()
        .await
        .unwrap();

    let rotated: Value = http
        .post(format!("{base}/__fake/rotate"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rotated["liveQueryIds"].as_array().unwrap().len(), 5);

    let log: Value = http
        .get(format!("{base}/__fake/requests?since=0"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["/voyager/api/me", "/voyager/api/me"],
        "control calls are not logged"
    );

    let snapshot: Value = http
        .get(format!("{base}/__fake/snapshot"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        snapshot["conversations"][0]["urn"],
        activity["conversations"][2]
    );
    assert!(snapshot["members"][1]["publicIdentifier"].is_string());
}

#[tokio::test]
async fn the_mix_of_conversation_kinds_is_configurable() {
    let tuning = fake_linkedin::Tuning {
        mix: fake_linkedin::Mix {
            group: 0,
            inmail: 0,
            request: 0,
            sponsored: 100,
        },
        ..fake_linkedin::Tuning::default()
    };
    let config = fake_linkedin::FakeConfig::default();
    let server =
        fake_linkedin::FakeServer::start_with(config, tuning, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
    let kinds: Vec<_> = server
        .snapshot()
        .conversations
        .iter()
        .map(|c| c.kind)
        .collect();
    let sponsored = kinds
        .iter()
        .filter(|k| **k == fake_linkedin::ConvKind::Sponsored)
        .count();
    assert_eq!(
        sponsored,
        kinds.len() - 4,
        "all but the four other kinds among the first five"
    );
}
