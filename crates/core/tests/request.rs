//! Request building: exact URLs per call variant (voyager-api.md §4.1, §4.3, §7.2) and headers.

use chrono::DateTime;
use ping_core::ids::{
    ConversationUrn, Cursor, ProfileId, ProfileUrn, PublicIdentifier, QueryId, SyncToken,
};
use ping_core::model::ConversationFolder;
use ping_core::restli::RestliValue;
use ping_core::voyager::{
    ConversationsQuery, LinkedInSession, MemberIdentity, MessagesQuery, RequestError, VoyagerCall,
    VoyagerContext, build_request,
};

const OWNER: &str = "urn:li:fsd_profile:ACoAAExample0000000000000000000000000000";
const OWNER_ENC: &str = "urn%3Ali%3Afsd_profile%3AACoAAExample0000000000000000000000000000";
const THREAD: &str = "2-MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDExXzEwMA==";
const CONV_ENC: &str = "urn%3Ali%3Amsg_conversation%3A%28urn%3Ali%3Afsd_profile%3AACoAAExample0000000000000000000000000000%2C2-MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDExXzEwMA%3D%3D%29";
const CONV_ID: &str = "messengerConversations.0d5e6781bbee71c3e51c8843c6519f48";
const MSG_ID: &str = "messengerMessages.d8ea76885a52fd5dc5c317078ab7c977";
const GRAPHQL: &str = "https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql";

fn session() -> LinkedInSession {
    LinkedInSession::from_cookies(Some("AQEDsecret"), Some("\"ajax:5128830019927411742\""))
        .expect("valid test input")
}

fn owner() -> ProfileUrn {
    ProfileUrn::parse(OWNER).expect("valid test input")
}

fn conversation() -> ConversationUrn {
    ConversationUrn::new(owner(), THREAD).expect("valid test input")
}

fn at_ms(ms: i64) -> chrono::DateTime<chrono::Utc> {
    DateTime::from_timestamp_millis(ms).expect("valid test input")
}

fn url_of(call: VoyagerCall, query_id: &str) -> String {
    let query_id = QueryId::parse(query_id).expect("valid test input");
    let ctx = VoyagerContext::default();
    build_request(&call, Some(&owner()), Some(&query_id), &session(), &ctx)
        .expect("valid test input")
        .url
}

fn conversations(query: ConversationsQuery) -> String {
    let folder = ConversationFolder::Inbox;
    url_of(VoyagerCall::Conversations { query, folder }, CONV_ID)
}

fn messages(query: MessagesQuery) -> String {
    let call = VoyagerCall::Messages {
        conversation: conversation(),
        query,
    };
    url_of(call, MSG_ID)
}

const PRIMARY_INBOX: &str =
    "query:(predicateUnions:List((conversationCategoryPredicate:(category:PRIMARY_INBOX))))";

#[test]
fn the_first_inbox_page_asks_by_mailbox_only() {
    assert_eq!(
        conversations(ConversationsQuery::SyncToken(None)),
        format!("{GRAPHQL}?queryId={CONV_ID}&variables=(mailboxUrn:{OWNER_ENC})")
    );
}

#[test]
fn a_sync_token_is_percent_encoded() {
    let token = SyncToken::parse("gtDO+ab/AA==").unwrap();
    assert_eq!(
        conversations(ConversationsQuery::SyncToken(Some(token))),
        format!(
            "{GRAPHQL}?queryId={CONV_ID}&variables=(mailboxUrn:{OWNER_ENC},syncToken:gtDO%2Bab%2FAA%3D%3D)"
        )
    );
}

#[test]
fn older_conversations_use_the_category_query_with_last_updated_before() {
    assert_eq!(
        conversations(ConversationsQuery::Before(at_ms(1_760_000_000_000))),
        format!(
            "{GRAPHQL}?queryId={CONV_ID}&variables=({PRIMARY_INBOX},count:20,mailboxUrn:{OWNER_ENC},lastUpdatedBefore:1760000000000)"
        )
    );
}

#[test]
fn each_folder_is_listed_by_the_category_of_its_messaging_tab() {
    for (folder, category) in [
        (ConversationFolder::Other, "SECONDARY_INBOX"),
        (ConversationFolder::Archived, "ARCHIVE"),
        (ConversationFolder::Spam, "SPAM"),
    ] {
        let query = ConversationsQuery::Before(at_ms(1_760_000_000_000));
        let url = url_of(VoyagerCall::Conversations { query, folder }, CONV_ID);
        assert!(
            url.contains(&format!(
                "conversationCategoryPredicate:(category:{category})"
            )),
            "{url}"
        );
    }
}

#[test]
fn later_conversation_pages_follow_the_next_cursor() {
    let cursor = Cursor::parse("ZmFrZWNvbnYmMTc2MDAwMDAwMDAwMCYx").unwrap();
    assert_eq!(
        conversations(ConversationsQuery::Cursor(cursor)),
        format!(
            "{GRAPHQL}?queryId={CONV_ID}&variables=({PRIMARY_INBOX},count:20,mailboxUrn:{OWNER_ENC},nextCursor:ZmFrZWNvbnYmMTc2MDAwMDAwMDAwMCYx)"
        )
    );
}

#[test]
fn the_latest_messages_ask_by_conversation_urn_with_its_parentheses_encoded() {
    assert_eq!(
        messages(MessagesQuery::Latest),
        format!("{GRAPHQL}?queryId={MSG_ID}&variables=(conversationUrn:{CONV_ENC})")
    );
}

#[test]
fn older_messages_ask_before_an_anchor_timestamp() {
    assert_eq!(
        messages(MessagesQuery::Before(at_ms(1_760_000_000_000))),
        format!(
            "{GRAPHQL}?queryId={MSG_ID}&variables=(deliveredAt:1760000000000,conversationUrn:{CONV_ENC},countBefore:20,countAfter:0)"
        )
    );
}

#[test]
fn message_pages_by_cursor_encode_the_prev_cursor() {
    let cursor = Cursor::parse("QVNDRU5ESU5HJjE3NjA=").unwrap();
    assert_eq!(
        messages(MessagesQuery::Cursor(cursor)),
        format!(
            "{GRAPHQL}?queryId={MSG_ID}&variables=(conversationUrn:{CONV_ENC},count:20,prevCursor:QVNDRU5ESU5HJjE3NjA%3D)"
        )
    );
}

#[test]
fn the_variables_decode_back_to_the_conversation_urn() {
    let url = messages(MessagesQuery::Latest);
    let (_, variables) = url.split_once("variables=").unwrap();
    let decoded = RestliValue::decode(variables).unwrap();
    let urn = decoded.get("conversationUrn").and_then(RestliValue::as_str);
    assert_eq!(urn, Some(conversation().to_string().as_str()));
}

#[test]
fn me_and_profiles_are_plain_json_rest_calls() {
    let ctx = VoyagerContext::default();
    let me = build_request(&VoyagerCall::Me, None, None, &session(), &ctx).unwrap();
    assert_eq!(me.url, "https://www.linkedin.com/voyager/api/me");
    let accept = |request: &ping_core::voyager::HttpRequest| {
        request
            .headers
            .iter()
            .find(|(k, _)| k == "accept")
            .map(|(_, v)| v.clone())
    };
    assert_eq!(accept(&me).as_deref(), Some("application/json"));

    let by_slug = VoyagerCall::Profile {
        member: MemberIdentity::PublicIdentifier(PublicIdentifier::parse("zoë-sample").unwrap()),
    };
    let profile = build_request(&by_slug, None, None, &session(), &ctx).unwrap();
    assert_eq!(
        profile.url,
        "https://www.linkedin.com/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity=zo%C3%AB-sample&decorationId=com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-101"
    );
    let by_id = VoyagerCall::Profile {
        member: MemberIdentity::Id(
            ProfileId::parse("ACoAAPeer00000000000000000000000000000000").unwrap(),
        ),
    };
    let profile = build_request(&by_id, None, None, &session(), &ctx).unwrap();
    assert!(
        profile
            .url
            .contains("memberIdentity=ACoAAPeer00000000000000000000000000000000&")
    );
}

#[test]
fn headers_are_lowercase_and_carry_the_bare_csrf_token_and_page_context() {
    let ctx = VoyagerContext {
        base_url: "http://127.0.0.1:8443/".to_owned(),
        lang: Some("en_US".to_owned()),
        client_version: Some("1.13.40953".to_owned()),
        timezone: Some("Europe/Berlin".to_owned()),
        page_instance: Some("urn:li:page:messaging_thread;abc".to_owned()),
    };
    let query_id = QueryId::parse(CONV_ID).unwrap();
    let call = VoyagerCall::Conversations {
        query: ConversationsQuery::SyncToken(None),
        folder: ConversationFolder::Inbox,
    };
    let request = build_request(&call, Some(&owner()), Some(&query_id), &session(), &ctx).unwrap();
    assert!(
        request
            .url
            .starts_with("http://127.0.0.1:8443/voyager/api/voyagerMessagingGraphQL/")
    );
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("csrf-token"), Some("ajax:5128830019927411742"));
    assert_eq!(header("accept"), Some("application/graphql"));
    assert_eq!(header("x-restli-protocol-version"), Some("2.0.0"));
    assert_eq!(header("x-li-lang"), Some("en_US"));
    assert_eq!(
        header("x-li-page-instance"),
        Some("urn:li:page:messaging_thread;abc")
    );
    let track: serde_json::Value = serde_json::from_str(header("x-li-track").unwrap()).unwrap();
    assert_eq!(track["clientVersion"], "1.13.40953");
    assert_eq!(track["timezone"], "Europe/Berlin");
    assert!(request.headers.iter().all(|(k, _)| *k == k.to_lowercase()));
}

#[test]
fn optional_headers_are_left_out_when_the_page_context_is_unknown() {
    let ctx = VoyagerContext::default();
    let request = build_request(&VoyagerCall::Me, None, None, &session(), &ctx).unwrap();
    let names: Vec<&str> = request.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["csrf-token", "accept", "x-restli-protocol-version"]);
}

#[test]
fn messaging_calls_without_a_mailbox_or_query_id_are_refused() {
    let ctx = VoyagerContext::default();
    let list = VoyagerCall::Conversations {
        query: ConversationsQuery::SyncToken(None),
        folder: ConversationFolder::Inbox,
    };
    let query_id = QueryId::parse(CONV_ID).unwrap();
    assert_eq!(
        build_request(&list, None, Some(&query_id), &session(), &ctx),
        Err(RequestError::MissingMailbox)
    );
    assert_eq!(
        build_request(&list, Some(&owner()), None, &session(), &ctx),
        Err(RequestError::MissingQueryId)
    );
    let wrong = QueryId::parse(MSG_ID).unwrap();
    assert!(matches!(
        build_request(&list, Some(&owner()), Some(&wrong), &session(), &ctx),
        Err(RequestError::WrongQueryId {
            expected: "messengerConversations",
            ..
        })
    ));
}
