//! Helpers shared by the integration tests: a server on port 0 and a Voyager-speaking client.

use fake_linkedin::{AccountSpec, FakeConfig, FakeServer};
use serde_json::Value;

pub const CONVERSATIONS_ID: &str = "messengerConversations.0d5e6781bbee71c3e51c8843c6519f48";
pub const CATEGORY_ID: &str = "messengerConversations.9501074288a12f3ae9e3c7ea243bccbf";
pub const MESSAGES_ID: &str = "messengerMessages.5846eeb71c981f11e0134cb6626cc314";
pub const ANCHOR_ID: &str = "messengerMessages.d8ea76885a52fd5dc5c317078ab7c977";
pub const CURSOR_ID: &str = "messengerMessages.34c9888be71c8010fecfb575cb38308f";

/// Starts a plain-HTTP server on a free port.
pub async fn start(conversations: usize, messages: std::ops::RangeInclusive<usize>) -> FakeServer {
    start_with(conversations, messages, |_| {}).await
}

/// Starts a server after adjusting its configuration.
pub async fn start_with(
    conversations: usize,
    messages: std::ops::RangeInclusive<usize>,
    adjust: impl FnOnce(&mut FakeConfig),
) -> FakeServer {
    let mut config = FakeConfig {
        account: AccountSpec {
            seed: 7,
            conversations,
            messages_per_conversation: messages,
            ..AccountSpec::default()
        },
        ..FakeConfig::default()
    };
    adjust(&mut config);
    FakeServer::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// Percent-encodes everything but the unreserved characters, as Rest.li values need.
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The messaging GraphQL path for a query id and raw `variables`.
pub fn graphql(query_id: &str, variables: &str) -> String {
    format!("/voyager/api/voyagerMessagingGraphQL/graphql?queryId={query_id}&variables={variables}")
}

/// A GET with the session cookies and the right `csrf-token`.
pub async fn get(server: &FakeServer, path: &str) -> reqwest::Response {
    let csrf = server.jsessionid().trim_matches('"').to_owned();
    get_with(server, path, Some(server.li_at()), Some(&csrf)).await
}

/// A GET with chosen `li_at` and `csrf-token` (the JSESSIONID cookie is always sent, quoted).
pub async fn get_with(
    server: &FakeServer,
    path: &str,
    li_at: Option<&str>,
    csrf: Option<&str>,
) -> reqwest::Response {
    let mut cookie = format!("JSESSIONID={}", server.jsessionid());
    if let Some(li_at) = li_at {
        cookie = format!("li_at={li_at}; {cookie}");
    }
    let mut request = reqwest::Client::new()
        .get(format!("{}{path}", server.base_url()))
        .header("cookie", cookie)
        .header("accept", "application/graphql");
    if let Some(csrf) = csrf {
        request = request.header("csrf-token", csrf);
    }
    request.send().await.unwrap()
}

/// A GET that must succeed, as JSON.
pub async fn get_json(server: &FakeServer, path: &str) -> Value {
    let response = get(server, path).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// A control API call to `/__fake/<route>`, with a JSON body or none; its JSON answer.
pub async fn control(
    server: &FakeServer,
    method: reqwest::Method,
    route: &str,
    body: Option<Value>,
) -> Value {
    let url = format!("{}/__fake/{route}", server.base_url());
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{route}");
    response.json().await.unwrap()
}

/// The owner's mailbox URN, encoded.
pub fn mailbox(server: &FakeServer) -> String {
    enc(&server.snapshot().owner.to_string())
}

/// `data.<field>` of an answer.
pub fn collection<'a>(answer: &'a Value, field: &str) -> &'a Value {
    &answer["data"][field]
}

/// The `entityUrn`s of a collection's elements.
pub fn urns(collection: &Value) -> Vec<String> {
    collection["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entityUrn"].as_str().unwrap().to_owned())
        .collect()
}
