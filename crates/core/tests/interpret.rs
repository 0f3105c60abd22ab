//! Edge cases of classification and of the GraphQL envelope that the golden fixtures do not
//! spell out one by one.

use ping_core::ids::{ConversationUrn, ProfileId};
use ping_core::voyager::{
    HttpResponse, MemberIdentity, MessagesQuery, ParseError, QueryKind, VoyagerAnswer, VoyagerCall,
    VoyagerFailure, interpret, parse_conversations, parse_messages,
};
use serde_json::json;

const OWNER: &str = "urn:li:fsd_profile:ACoAAOwner0000000000000000000000000000000";

fn conversation() -> ConversationUrn {
    ConversationUrn::parse(&format!("urn:li:msg_conversation:({OWNER},2-dGhyZWFk)"))
        .expect("a valid conversation URN")
}

fn messages_call() -> VoyagerCall {
    VoyagerCall::Messages {
        conversation: conversation(),
        query: MessagesQuery::Latest,
    }
}

fn profile_call() -> VoyagerCall {
    VoyagerCall::Profile {
        member: MemberIdentity::Id(ProfileId::parse("ACoAAPeer0000").expect("a valid id")),
    }
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.to_owned(),
        redirected_to: None,
    }
}

fn failure(call: &VoyagerCall, response: &HttpResponse) -> VoyagerFailure {
    interpret(call, response).expect_err("a failure")
}

#[test]
fn li_at_deleted_by_max_age_or_a_past_expiry_means_the_session_expired() {
    let cases = [
        vec![("set-cookie", "li_at=AQEDx; Max-Age=0; Path=/")],
        vec![
            ("date", "Wed, 08 Oct 2025 10:00:00 GMT"),
            (
                "set-cookie",
                "li_at=AQEDx; Expires=Tue, 07-Oct-2025 10:00:00 GMT",
            ),
        ],
        vec![("set-cookie", "li_at=; Path=/")],
    ];
    for headers in cases {
        let answer = response(302, &headers, "");
        assert_eq!(
            failure(&messages_call(), &answer),
            VoyagerFailure::SessionExpired
        );
    }
}

#[test]
fn a_fresh_li_at_cookie_is_not_a_logout() {
    let headers = [
        ("date", "Wed, 08 Oct 2025 10:00:00 GMT"),
        (
            "set-cookie",
            "li_at=AQEDnew; Expires=Thu, 08-Jan-2026 10:00:00 GMT",
        ),
    ];
    let body = json!({"data": {"messengerMessagesBySyncToken": {"elements": []}}}).to_string();
    assert!(interpret(&messages_call(), &response(200, &headers, &body)).is_ok());
}

#[test]
fn redirects_are_told_apart_by_their_path() {
    let expired = [
        "/login?fromSignIn=true",
        "/authwall",
        "https://www.linkedin.com/uas/login",
        "/checkpoint/lg/login",
    ];
    for target in expired {
        let answer = response(302, &[("location", target)], "");
        assert_eq!(
            failure(&messages_call(), &answer),
            VoyagerFailure::SessionExpired,
            "{target}"
        );
    }
    let answer = response(302, &[("location", "/checkpoint/challenge/AgH")], "");
    assert!(matches!(
        failure(&messages_call(), &answer),
        VoyagerFailure::Throttled {
            challenge: true,
            ..
        }
    ));
    let answer = response(302, &[("location", "/loginsight/secret-token-123")], "");
    let other = failure(&messages_call(), &answer);
    assert!(matches!(other, VoyagerFailure::Fatal { status: 302, .. }));
    assert!(
        !format!("{other:?}").contains("secret-token-123"),
        "a header value leaked"
    );
}

#[test]
fn a_message_that_mentions_a_checkpoint_url_is_still_a_message() {
    let body = json!({"data": {"messengerMessagesBySyncToken": {"elements": [{
        "entityUrn": format!("urn:li:msg_message:({OWNER},2-bXNn)"),
        "deliveredAt": 1_760_000_000_000_i64,
        "body": {"text": "LinkedIn sent me to /checkpoint/challenge/ again, and the login page too"},
    }]}}});
    let answer = interpret(&messages_call(), &response(200, &[], &body.to_string()));
    let Ok(VoyagerAnswer::Messages { page }) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(page.messages.len(), 1);
}

#[test]
fn bad_requests_rotate_graphql_ids_but_are_fatal_for_rest_calls() {
    let answer = response(400, &[], r#"{"status":400}"#);
    assert!(matches!(
        failure(&messages_call(), &answer),
        VoyagerFailure::QueryRotated { .. }
    ));
    assert!(matches!(
        failure(&profile_call(), &answer),
        VoyagerFailure::Fatal { status: 400, .. }
    ));
    let unreadable = response(200, &[], "<html></html>");
    assert!(matches!(
        failure(&profile_call(), &unreadable),
        VoyagerFailure::Fatal { status: 200, .. }
    ));
}

#[test]
fn server_errors_are_transient() {
    for status in [502, 503, 504] {
        let failure = failure(&messages_call(), &response(status, &[], ""));
        assert!(matches!(failure, VoyagerFailure::Transient { .. }));
    }
}

#[test]
fn a_variant_that_answers_no_call_of_ours_is_refused_and_unknown_ones_are_read() {
    let by_ids = json!({"data": {"messengerConversationsByIds": []}}).to_string();
    assert!(matches!(
        parse_conversations(&by_ids, QueryKind::ConversationsBySyncToken),
        Err(ParseError::WrongVariant { .. })
    ));
    let future =
        json!({"data": {"messengerConversationsByFutureQuery": {"elements": []}}}).to_string();
    assert!(parse_conversations(&future, QueryKind::ConversationsByCategory).is_ok());
    let messages_for_conversations =
        json!({"data": {"messengerMessagesByNewThing": {"elements": []}}}).to_string();
    assert!(
        parse_conversations(
            &messages_for_conversations,
            QueryKind::ConversationsBySyncToken
        )
        .is_err()
    );
}

#[test]
fn several_collections_or_a_normalized_answer_hold_no_collection() {
    let two = json!({"data": {"a": {"elements": []}, "b": {"elements": []}}}).to_string();
    let normalized = json!({"data": {"data": {"*elements": []}}, "included": []}).to_string();
    for body in [two, normalized] {
        assert!(matches!(
            parse_messages(&body, QueryKind::MessagesLatest, None),
            Err(ParseError::NoCollection { .. })
        ));
    }
}

#[test]
fn a_message_without_any_conversation_reference_derives_it_from_the_backend_thread() {
    let body = json!({"data": {"messengerMessagesBySyncToken": {"elements": [{
        "entityUrn": format!("urn:li:msg_message:({OWNER},2-bXNn)"),
        "backendConversationUrn": "urn:li:messagingThread:2-dGhyZWFk",
        "deliveredAt": 1_760_000_000_000_i64,
        "body": {"text": "hello", "attributes": []},
        "sender": null, "actor": null,
    }]}}});
    let page = parse_messages(&body.to_string(), QueryKind::MessagesLatest, None).expect("a page");
    assert_eq!(page.messages[0].conversation, conversation());
    assert_eq!(page.messages[0].sender, None);
}
