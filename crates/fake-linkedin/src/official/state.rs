//! What the official API's fake remembers: the app, codes, tokens, leads, queued faults.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long an authorization code lives (§1: 30 minutes).
pub const CODE_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// `expires_in` of access tokens: 60 days.
pub const ACCESS_SECONDS: i64 = 60 * 24 * 3600;
/// `refresh_token_expires_in`: 365 days.
pub const REFRESH_SECONDS: i64 = 365 * 24 * 3600;

/// The one developer app the fake knows.
#[derive(Debug, Clone)]
pub struct FakeApp {
    pub client_id: String,
    pub client_secret: String,
    /// Whether the app is enabled for programmatic refresh tokens (MDP partners only).
    pub refresh_tokens: bool,
    /// Scopes granted whatever is asked; `None`: what is asked.
    pub granted_scopes: Option<Vec<String>>,
    /// Marketing Developer Platform access: without it ads calls answer 403.
    pub mdp_access: bool,
    /// The Community Management product: without it comments and reactions answer 403.
    pub community_management: bool,
}

impl Default for FakeApp {
    fn default() -> Self {
        Self {
            client_id: "fake-client-id".into(),
            client_secret: "fake-client-secret".into(),
            refresh_tokens: true,
            granted_scopes: None,
            mdp_access: false,
            community_management: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub issued: Instant,
}

#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub scopes: Vec<String>,
    pub expired: bool,
}

/// A Sales Navigator Profile Associations answer set for a CRM record key.
#[derive(Debug, Clone)]
pub enum AssociationAnswer {
    /// 200 with this body.
    Match(Value),
    /// An error status with its `serviceErrorCode` and message.
    Error {
        status: u16,
        service_error_code: i64,
        message: String,
    },
}

#[derive(Debug)]
pub struct OfficialState {
    pub app: FakeApp,
    pub codes: HashMap<String, IssuedCode>,
    pub tokens: HashMap<String, IssuedToken>,
    pub refresh_tokens: HashMap<String, Vec<String>>,
    /// Statuses the next REST calls answer (429, 500…), one each.
    pub faults: VecDeque<u16>,
    /// Lead form responses by id, as `GET /rest/leadFormResponses/{id}` returns them.
    pub leads: HashMap<String, Value>,
    /// Answers by CRM record key `(partner:…,instanceId:…,recordId:…)`.
    pub associations: HashMap<String, AssociationAnswer>,
    /// Organisations the member administers.
    pub organizations: Vec<String>,
    /// Image URNs by upload path (`/dms-uploads/<n>`), until uploaded.
    pub upload_targets: HashMap<String, String>,
    /// Uploaded images: URN → bytes received.
    pub images: HashMap<String, usize>,
    /// Posts created, as sent (with their `id`).
    pub posts: Vec<Value>,
    /// Comments on the posts, as `socialActions/{post}/comments` lists them.
    pub comments: Vec<Value>,
    /// Reactions on the posts, as `reactions/(entity:{post})` lists them.
    pub reactions: Vec<Value>,
    next_id: u64,
}

impl Default for OfficialState {
    fn default() -> Self {
        Self {
            app: FakeApp::default(),
            codes: HashMap::new(),
            tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            faults: VecDeque::new(),
            leads: HashMap::new(),
            associations: HashMap::new(),
            organizations: vec![
                "urn:li:organization:2414183".into(),
                "urn:li:organization:5550001".into(),
            ],
            upload_targets: HashMap::new(),
            images: HashMap::new(),
            posts: Vec::new(),
            comments: Vec::new(),
            reactions: Vec::new(),
            next_id: 0,
        }
    }
}

impl OfficialState {
    /// A fresh opaque value with a readable prefix (`AQT1…` codes, `AQV2…` tokens).
    pub fn mint(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!(
            "{prefix}{}x{:08x}",
            self.next_id,
            self.next_id.wrapping_mul(2_654_435_761)
        )
    }
}
