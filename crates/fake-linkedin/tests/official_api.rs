//! The official API's fake: the OAuth code flow, and the real API's faults (expired tokens,
//! 403 without a scope or Marketing Developer Platform access, 429, the missing version) in
//! LinkedIn's error body.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::start;

const REDIRECT: &str = "http://crm.example/cb";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Consents to `scope` and trades the code: the token answer.
async fn token(base: &str, scope: &str) -> Value {
    let authorize = format!(
        "{base}/oauth/v2/authorization?response_type=code&client_id=fake-client-id\
         &redirect_uri=http%3A%2F%2Fcrm.example%2Fcb&state=Zq81xK&scope={}",
        scope.replace(' ', "%20")
    );
    let consent = no_redirects().get(authorize).send().await.unwrap();
    assert_eq!(consent.status(), StatusCode::FOUND);
    let location = consent.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(REDIRECT) && location.ends_with("&state=Zq81xK"),
        "{location}"
    );
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", "fake-client-id"),
        ("client_secret", "fake-client-secret"),
        ("redirect_uri", REDIRECT),
    ];
    let url = format!("{base}/oauth/v2/accessToken");
    let answer = reqwest::Client::new()
        .post(&url)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let again = reqwest::Client::new()
        .post(&url)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        StatusCode::BAD_REQUEST,
        "a code is single use"
    );
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["error"], "invalid_grant");
    answer.json().await.unwrap()
}

async fn get(base: &str, path: &str, token: &str) -> (StatusCode, Value) {
    let answer = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .header("LinkedIn-Version", "202411")
        .header("X-Restli-Protocol-Version", "2.0.0")
        .send()
        .await
        .unwrap();
    (answer.status(), answer.json().await.unwrap())
}

async fn control(base: &str, route: &str, body: Value) -> Value {
    let url = format!("{base}/__fake/official/{route}");
    reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_code_flow_issues_60_day_tokens_with_a_refresh_token() {
    let server = start(1, 1..=1).await;
    let answer = token(&server.base_url(), "openid r_marketing_leadgen_automation").await;
    assert_eq!(answer["expires_in"], 5_184_000);
    assert_eq!(answer["refresh_token_expires_in"], 31_536_000);
    assert_eq!(answer["scope"], "openid,r_marketing_leadgen_automation");

    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", answer["refresh_token"].as_str().unwrap()),
        ("client_id", "fake-client-id"),
        ("client_secret", "fake-client-secret"),
    ];
    let url = format!("{}/oauth/v2/accessToken", server.base_url());
    let refreshed: Value = reqwest::Client::new()
        .post(url)
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(refreshed["access_token"], answer["access_token"]);
    assert!(
        refreshed.get("refresh_token").is_none(),
        "the refresh token is kept, not extended"
    );
}

#[tokio::test]
async fn the_api_answers_the_real_faults_in_linkedins_error_body() {
    let server = start(1, 1..=1).await;
    let base = server.base_url();
    let answer = token(&base, "openid").await;
    let access = answer["access_token"].as_str().unwrap();
    control(
        &base,
        "leads",
        json!({"answers": {"1": "Ada"}, "responseId": "lead-1"}),
    )
    .await;

    let (status, error) = get(&base, "/rest/leadFormResponses/lead-1", access).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no Lead Sync scope");
    assert_eq!(error["code"], "ACCESS_DENIED");
    let (status, _) = get(&base, "/rest/adAccounts?q=search", access).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no Marketing Developer Platform access"
    );

    control(&base, "faults", json!({"status": 429})).await;
    let (status, error) = get(&base, "/v2/userinfo", access).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error["status"], 429);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("throttle limit")
    );

    let unversioned = reqwest::Client::new()
        .get(format!("{base}/rest/leadFormResponses/lead-1"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(unversioned.status(), StatusCode::BAD_REQUEST);

    control(&base, "expire-tokens", json!({})).await;
    let (status, error) = get(&base, "/v2/userinfo", access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["message"], "Expired access token");
    assert!(error["serviceErrorCode"].is_i64());
}

#[tokio::test]
async fn a_lead_notification_is_signed_with_the_client_secret() {
    let server = start(1, 1..=1).await;
    let made = control(
        &server.base_url(),
        "leads",
        json!({"answers": {"1": "Ada"}}),
    )
    .await;
    let notification: Value = serde_json::from_str(made["notification"].as_str().unwrap()).unwrap();
    assert_eq!(notification["type"], "LEAD_ACTION");
    assert_eq!(notification["leadAction"], "CREATED");
    let signature = made["signature"].as_str().unwrap();
    assert_eq!(signature.len(), 64);
    assert!(
        signature
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
}
