//! How a fake server is set up: the account to generate and the behaviours to pick.

use std::ops::RangeInclusive;
use std::path::PathBuf;

use crate::limiter::{LimiterClock, Limits};

/// The seeded account to generate. The same spec always yields the same account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of conversations in the mailbox.
    pub conversations: usize,
    /// How many messages each conversation has (drawn uniformly per conversation).
    pub messages_per_conversation: RangeInclusive<usize>,
    /// The share of conversations, in percent, whose list entry embeds the last message
    /// (LinkedIn's normally do; the rest exercise the fallback).
    pub embed_last_percent: u32,
}

impl Default for AccountSpec {
    fn default() -> Self {
        Self {
            seed: 7,
            conversations: 50,
            messages_per_conversation: 0..=40,
            embed_last_percent: 90,
        }
    }
}

/// The order of `messengerMessagesByAnchorTimestamp` answers (both have been reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnchorOrder {
    /// Oldest first (U1's 2026 probe).
    #[default]
    Ascending,
    /// Newest first (S3's assumption).
    NewestFirst,
}

/// What the last page of the category conversation list looks like (never captured).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LastPageShape {
    /// The last non-empty page carries `nextCursor: null`.
    #[default]
    NullCursor,
    /// Every non-empty page carries a cursor; the list ends with an empty page.
    EmptyPage,
}

/// Everything a [`crate::FakeServer`] needs to start.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// The account to generate.
    pub account: AccountSpec,
    /// Serve HTTPS with a generated certificate instead of plain HTTP.
    pub tls: bool,
    /// The only `li_at` cookie value accepted.
    pub li_at: String,
    /// The `JSESSIONID` cookie value, with its double quotes (`"ajax:…"`).
    pub jsessionid: String,
    /// Order of anchor-timestamp message pages.
    pub anchor_order: AnchorOrder,
    /// Shape of the end of the category conversation list.
    pub last_page: LastPageShape,
    /// `tests/fixtures/linkedin`: profile pages `/in/fixture-<case>/` come from
    /// `<dir>/profile-page-<case>/input.html`.
    pub fixtures_dir: Option<PathBuf>,
    /// Punish calling too much like LinkedIn with these limits (`None`: never; see
    /// [`Limits::default`] for LinkedIn-like ones). [`crate::FakeServer::set_limiter`] changes
    /// it while the server runs.
    pub limiter: Option<Limits>,
    /// The limiter's time: real, or moved by a test.
    pub limiter_clock: LimiterClock,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            account: AccountSpec::default(),
            tls: false,
            li_at: "AQEDfakeLiAtSession".to_owned(),
            jsessionid: "\"ajax:5128830019927411742\"".to_owned(),
            anchor_order: AnchorOrder::default(),
            last_page: LastPageShape::default(),
            fixtures_dir: None,
            limiter: None,
            limiter_clock: LimiterClock::Real,
        }
    }
}

impl FakeConfig {
    /// The `csrf-token` value a client must send: `JSESSIONID` without its quotes.
    pub fn csrf_token(&self) -> String {
        self.jsessionid.trim_matches('"').to_owned()
    }
}

/// How an unknown (rotated-away) query id is answered; both are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RotationAnswer {
    /// HTTP 400 with a JSON body `{"status":400,…}`.
    #[default]
    BadRequest,
    /// HTTP 200 with `{"errors":[{"message":…}]}` and no collection.
    GraphqlErrors,
}

/// Percentages of each kind of conversation (the rest are ordinary 1:1 threads). The five
/// newest conversations are always one of each kind, so small accounts have them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mix {
    /// Group chats.
    pub group: u8,
    /// InMail threads (`INBOX`, `PRIMARY_INBOX`, `INMAIL`; `PENDING` or `ACCEPTED`).
    pub inmail: u8,
    /// Pending message requests (`SECONDARY_INBOX`).
    pub request: u8,
    /// Sponsored messages from an organisation (`ARCHIVE`, `INMAIL`).
    pub sponsored: u8,
}

impl Default for Mix {
    fn default() -> Self {
        Self {
            group: 10,
            inmail: 12,
            request: 3,
            sponsored: 5,
        }
    }
}

/// Knobs beyond [`FakeConfig`]: `mix` is read when the account is generated
/// ([`crate::FakeServer::start_with`]), the others may change while the server runs
/// ([`crate::FakeServer::tune`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    /// The kinds of conversation generated.
    pub mix: Mix,
    /// How an unknown query hash is answered.
    pub rotation_answer: RotationAnswer,
    /// Lifetime of the signed picture URLs handed out, from the moment they are rendered.
    /// Negative values hand out URLs that are already expired.
    pub media_ttl_secs: i64,
    /// Lifetime of the signed message attachment URLs (`/dms/prv/…`), from the moment their
    /// message is rendered; negative values hand out expired ones. LinkedIn's is not measured.
    pub attachment_ttl_secs: i64,
    /// Picture URLs point at this server's `/media/` prefix instead of
    /// `https://media.licdn.com`, and attachment URLs at this server instead of
    /// `https://www.linkedin.com` (for native clients that cannot map hosts).
    pub media_direct: bool,
    /// When true, the category variants only list conversations of the category named in the
    /// request (`PRIMARY_INBOX` excludes sponsored `ARCHIVE` threads and message requests).
    /// When false (default) they list the whole mailbox.
    pub filter_categories: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            mix: Mix::default(),
            rotation_answer: RotationAnswer::default(),
            media_ttl_secs: 60 * 24 * 3600,
            attachment_ttl_secs: 3600,
            media_direct: false,
            filter_categories: false,
        }
    }
}
