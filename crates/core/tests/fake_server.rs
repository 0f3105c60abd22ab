//! End to end against a running fake LinkedIn: requests built by `build_request` are accepted
//! by the fake's independent Rest.li parser, and every answer reads back with nothing skipped.
//!
//! Opt-in (it needs the server):
//! ```sh
//! cargo run -p fake-linkedin -- --bind 127.0.0.1:18443 &
//! FAKE_LINKEDIN_URL=http://127.0.0.1:18443 cargo test -p ping-core --test main fake_server:: -- --ignored
//! ```
//! Plain HTTP/1.0 over `std::net` keeps `ping-core` free of an HTTP client.

use std::collections::BTreeSet;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use ping_core::ids::QueryId;
use ping_core::model::{ConversationFolder, ConversationPage};
use ping_core::voyager::{
    ConversationsQuery, HttpResponse, LinkedInSession, MessagesQuery, QueryIdRegistry,
    VoyagerAnswer, VoyagerCall, VoyagerContext, WorkingQueryIds, build_request, interpret,
};

const LI_AT: &str = "AQEDfakeLiAtSession";
const JSESSIONID: &str = "\"ajax:5128830019927411742\"";

fn get(base: &str, url: &str, headers: &[(String, String)]) -> HttpResponse {
    let host = base.trim_start_matches("http://");
    let target = url.strip_prefix(base).expect("a URL on the fake");
    let mut request = format!("GET {target} HTTP/1.0\r\nhost: {host}\r\n");
    request.push_str(&format!(
        "cookie: li_at={LI_AT}; JSESSIONID={JSESSIONID}\r\n"
    ));
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut stream = TcpStream::connect(host).expect("the fake server listens");
    stream.write_all(request.as_bytes()).expect("request sent");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("a UTF-8 answer");
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok());
    HttpResponse {
        status: status.expect("a status line"),
        headers: lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect(),
        body: body.to_owned(),
        redirected_to: None,
    }
}

#[test]
#[ignore = "needs a running fake-linkedin: set FAKE_LINKEDIN_URL"]
fn a_whole_mailbox_reads_back_from_the_fake_server() {
    let base = std::env::var("FAKE_LINKEDIN_URL").expect("FAKE_LINKEDIN_URL");
    let ctx = VoyagerContext {
        base_url: base.clone(),
        ..VoyagerContext::default()
    };
    let session = LinkedInSession::from_cookies(Some(LI_AT), Some(JSESSIONID)).expect("cookies");
    let registry = QueryIdRegistry::builtin();
    let fetch = |call: &VoyagerCall, mailbox| {
        let query_id: Option<QueryId> = call
            .query_kind()
            .map(|kind| registry.candidates(kind, &WorkingQueryIds::new())[0].clone());
        let request =
            build_request(call, mailbox, query_id.as_ref(), &session, &ctx).expect("a request");
        interpret(call, &get(&base, &request.url, &request.headers))
            .unwrap_or_else(|failure| panic!("{call:?}: {failure:?}"))
    };
    let VoyagerAnswer::Me { account } = fetch(&VoyagerCall::Me, None) else {
        panic!("not /me")
    };
    let mailbox = Some(&account.profile);

    let mut pages: Vec<ConversationPage> = Vec::new();
    let mut query = ConversationsQuery::SyncToken(None);
    loop {
        let folder = ConversationFolder::Inbox;
        let call = VoyagerCall::Conversations { query, folder };
        let VoyagerAnswer::Conversations { page } = fetch(&call, mailbox) else {
            panic!("not a list")
        };
        let (oldest, cursor) = (
            page.conversations.last().map(|c| c.last_activity_at),
            page.next_cursor.clone(),
        );
        let first = pages.is_empty();
        pages.push(page);
        query = match (first, oldest, cursor) {
            (true, Some(oldest), _) => ConversationsQuery::Before(oldest),
            (false, Some(_), Some(cursor)) => ConversationsQuery::Cursor(cursor),
            _ => break,
        };
    }
    let conversations: Vec<_> = pages.iter().flat_map(|p| p.conversations.iter()).collect();
    let unique: BTreeSet<String> = conversations.iter().map(|c| c.urn.to_string()).collect();
    assert!(
        pages.iter().all(|p| p.skipped.is_empty()),
        "skipped records"
    );
    assert!(unique.len() >= 40, "only {} conversations", unique.len());
    assert!(
        conversations
            .iter()
            .all(|c| c.participants.iter().filter(|p| p.is_self).count() == 1)
    );

    let mut messages = 0;
    for conversation in conversations.iter().take(12) {
        let call = VoyagerCall::Messages {
            conversation: conversation.urn.clone(),
            query: MessagesQuery::Latest,
        };
        let VoyagerAnswer::Messages { page } = fetch(&call, mailbox) else {
            panic!("not messages")
        };
        assert!(
            page.skipped.is_empty(),
            "skipped messages in {}",
            conversation.urn
        );
        assert!(
            page.messages
                .iter()
                .all(|m| m.conversation == conversation.urn)
        );
        if let Some(oldest) = page.messages.iter().map(|m| m.delivered_at).min() {
            let older = VoyagerCall::Messages {
                conversation: conversation.urn.clone(),
                query: MessagesQuery::Before(oldest),
            };
            let VoyagerAnswer::Messages { page: before } = fetch(&older, mailbox) else {
                panic!("not messages")
            };
            assert!(before.messages.iter().all(|m| m.delivered_at <= oldest));
            messages += before.messages.len();
        }
        messages += page.messages.len();
    }
    assert!(messages > 0);
    let kinds: BTreeSet<String> = conversations
        .iter()
        .map(|c| format!("{:?}", c.kind))
        .collect();
    eprintln!(
        "{} conversations ({kinds:?}), {messages} messages in 12 threads",
        unique.len()
    );
}
