//! A Voyager look-alike server for tests, demos and benchmarks (voyager-api.md §11).
//!
//! It generates a deterministic mailbox from a seed and answers like `www.linkedin.com`:
//! cookie auth and the CSRF check, the messaging GraphQL variants routed by query-id name and
//! variable keys, `/voyager/api/me`, dash profiles, signed expiring pictures on
//! `media.licdn.com` (also under `/media/` on this server), message attachments behind signed
//! expiring `www.linkedin.com/dms/prv/…` URLs for the session's cookies only, the web client's
//! bundles on `static.licdn.com` (which declare the live query ids among decoys), HTML pages for the
//! browser suite, fault injection, a limiter that punishes calling too much like LinkedIn (off
//! by default), a request log and a control API under `/__fake/` (table in `src/control.rs`).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fake_linkedin::{FakeConfig, FakeServer};
//! let server = FakeServer::start(FakeConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{}", server.base_url());
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod attachments;
mod bundles;
pub mod config;
mod control;
mod data;
mod export;
mod faults;
mod limiter;
mod log;
mod media;
mod official;
mod pages;
mod queryids;
mod request;
mod rng;
mod server;
mod snapshot;
mod state;
pub mod tls;
mod voyager;

use std::net::SocketAddr;
use std::sync::Arc;

use ping_core::ids::{ConversationUrn, QueryId};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::{
    AccountSpec, AnchorOrder, FakeConfig, LastPageShape, Mix, RotationAnswer, Tuning,
};
pub use data::{ConvKind, PageStyle};
pub use faults::Fault;
pub use limiter::{LimiterClock, LimiterEvent, LimiterState, Limits, ManualClock};
pub use log::LoggedRequest;
pub use queryids::{BUILT_IN as BUILT_IN_QUERY_IDS, MessagingPage};
pub use snapshot::{Snapshot, SnapshotConversation, SnapshotMember};

use state::Shared;

/// A running fake LinkedIn. Dropping it (or [`FakeServer::shutdown`]) stops it.
pub struct FakeServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    cert_pem: Option<String>,
    task: JoinHandle<()>,
}

impl FakeServer {
    /// Generates the account, binds `bind` (port 0 picks a free port) and serves in the
    /// background. The socket is bound before this returns, so requests may follow at once.
    pub async fn start(config: FakeConfig, bind: SocketAddr) -> std::io::Result<FakeServer> {
        Self::start_with(config, Tuning::default(), bind).await
    }

    /// [`FakeServer::start`] with chosen [`Tuning`] (including the [`Mix`] of kinds).
    pub async fn start_with(
        config: FakeConfig,
        tuning: Tuning,
        bind: SocketAddr,
    ) -> std::io::Result<FakeServer> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let tls = if config.tls {
            Some(tls::generate()?)
        } else {
            None
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://{addr}");
        let account = data::Account::generate(&config.account, tuning.mix);
        let shared = Arc::new(Shared::new(config, tuning, account, base_url));
        let router = server::router(Arc::clone(&shared));
        let cert_pem = tls.as_ref().map(|t| t.cert_pem.clone());
        let task = tokio::spawn(server::serve(listener, router, tls.map(|t| t.acceptor)));
        Ok(FakeServer {
            shared,
            addr,
            cert_pem,
            task,
        })
    }

    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The generated certificate (PEM) when serving HTTPS.
    pub fn cert_pem(&self) -> Option<String> {
        self.cert_pem.clone()
    }

    /// The `li_at` cookie value the server accepts.
    pub fn li_at(&self) -> &str {
        &self.shared.config.li_at
    }

    /// The `JSESSIONID` cookie value, with its quotes.
    pub fn jsessionid(&self) -> &str {
        &self.shared.config.jsessionid
    }

    /// Every logged request (control calls excluded), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.lock().since(0)
    }

    /// Forgets the logged requests.
    pub fn clear_requests(&self) {
        self.shared.log.lock().clear();
    }

    /// The next `times` Voyager API calls fail with `fault`. [`Fault::RotateQueryIds`] instead
    /// rotates the live query ids at once (until [`FakeServer::clear_faults`]).
    pub fn inject(&self, fault: Fault, times: u32) {
        self.shared.inject(fault, Some(times));
    }

    /// Every Voyager API call fails with `fault` until [`FakeServer::clear_faults`].
    pub fn inject_persistent(&self, fault: Fault) {
        self.shared.inject(fault, None);
    }

    /// Removes pending faults and restores the built-in query ids.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// Revokes the session (page loads redirect to `/uas/login` deleting `li_at`, API calls
    /// answer 401) or restores it.
    pub fn revoke_session(&self, revoked: bool) {
        self.shared.set_revoked(revoked);
    }

    /// Turns the limiter over the member's calls on afresh with `limits` (counts, strikes and
    /// checkpoint forgotten), or off with `None`. Turning it off leaves a revoked session
    /// revoked ([`FakeServer::revoke_session`] restores it).
    pub fn set_limiter(&self, limits: Option<Limits>) {
        self.shared.set_limiter(limits);
    }

    /// What the limiter has seen since it was turned on.
    pub fn limiter(&self) -> LimiterState {
        self.shared.limiter_state()
    }

    /// Replaces the live query ids with new ones and returns them; the messaging page keeps
    /// requesting every one.
    pub fn rotate_query_ids(&self) -> Vec<QueryId> {
        self.shared.rotate(MessagingPage::EveryId)
    }

    /// Replaces the live query ids with new ones and returns them; from then on the messaging
    /// page requests what `messaging_page` says (the bundle still declares every one).
    pub fn rotate_query_ids_with(&self, messaging_page: MessagingPage) -> Vec<QueryId> {
        self.shared.rotate(messaging_page)
    }

    /// The query ids answered right now.
    pub fn live_query_ids(&self) -> Vec<QueryId> {
        self.shared.query_ids.lock().ids().to_vec()
    }

    /// New messages from the other participants arrive now in `conversations` existing
    /// conversations (`messages_each` each), which move to the top. Returns their URNs in
    /// the order they were touched: the last one is now the newest conversation.
    pub fn add_activity(&self, conversations: usize, messages_each: usize) -> Vec<ConversationUrn> {
        self.shared.add_activity(conversations, messages_each)
    }

    /// Archives `count` ordinary conversations without new activity; sync-token answers name
    /// them as changed.
    pub fn archive_conversations(&self, count: usize) -> Vec<ConversationUrn> {
        self.shared.account.write().archive_conversations(count)
    }

    /// Deletes `count` conversations; sync-token answers report them in `deletedUrns`.
    pub fn delete_conversations(&self, count: usize) -> Vec<ConversationUrn> {
        self.shared.account.write().delete_conversations(count)
    }

    /// Changes the run-time knobs.
    pub fn tune(&self, change: impl FnOnce(&mut Tuning)) {
        change(&mut self.shared.tuning.write());
    }

    /// Ground truth: the mailbox as it is now.
    pub fn snapshot(&self) -> Snapshot {
        self.shared.snapshot()
    }

    /// A signed URL of a member's display photo (`width` 100/200/400/800) expiring at
    /// `expires` (Unix seconds), on `media.licdn.com` or this server per [`Tuning::media_direct`].
    pub fn picture_url(&self, public_identifier: &str, width: u32, expires: i64) -> Option<String> {
        let mut ctx = self.shared.media_ctx();
        ctx.expires = expires;
        let account = self.shared.account.read();
        let picture = account.member(public_identifier)?.picture.as_ref()?;
        Some(media::photo_url(&ctx, picture, width))
    }

    /// Stops serving and drops every open connection.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
