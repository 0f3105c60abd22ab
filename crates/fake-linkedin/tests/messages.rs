//! The message variants: newest first by sync token, anchor pages in both orders, prevCursor.

use fake_linkedin::{AnchorOrder, FakeServer, SnapshotConversation};
use serde_json::Value;

use crate::common::*;

const FUTURE_MS: i64 = 1_893_456_000_000;

fn delivered(list: &Value) -> Vec<i64> {
    list["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["deliveredAt"].as_i64().unwrap())
        .collect()
}

fn longest(server: &FakeServer) -> SnapshotConversation {
    server
        .snapshot()
        .conversations
        .into_iter()
        .max_by_key(|c| c.messages.len())
        .unwrap()
}

async fn anchor_walk(
    server: &FakeServer,
    conv: &SnapshotConversation,
    ascending: bool,
) -> Vec<String> {
    let mut anchor = FUTURE_MS;
    let mut seen = Vec::new();
    loop {
        let vars = format!(
            "(deliveredAt:{anchor},conversationUrn:{},countBefore:20,countAfter:0)",
            enc(&conv.urn.to_string())
        );
        let answer = get_json(server, &graphql(ANCHOR_ID, &vars)).await;
        let list = collection(&answer, "messengerMessagesByAnchorTimestamp");
        let times = delivered(list);
        if times.is_empty() {
            return seen;
        }
        let mut sorted = times.clone();
        sorted.sort_unstable();
        if !ascending {
            sorted.reverse();
        }
        assert_eq!(times, sorted, "page order");
        assert!(
            times.iter().all(|&t| t < anchor),
            "strictly before the anchor"
        );
        let mut page = urns(list);
        if !ascending {
            page.reverse();
        }
        page.extend(seen);
        seen = page;
        anchor = *times.iter().min().unwrap();
    }
}

#[tokio::test]
async fn anchor_pages_are_ascending_by_default_and_walk_the_whole_history() {
    let server = start(4, 45..=70).await;
    let conv = longest(&server);
    let expected: Vec<String> = conv.messages.iter().map(|m| m.to_string()).collect();
    assert_eq!(anchor_walk(&server, &conv, true).await, expected);
}

#[tokio::test]
async fn anchor_pages_can_be_newest_first() {
    let server = start_with(4, 45..=70, |c| c.anchor_order = AnchorOrder::NewestFirst).await;
    let conv = longest(&server);
    let expected: Vec<String> = conv.messages.iter().map(|m| m.to_string()).collect();
    assert_eq!(anchor_walk(&server, &conv, false).await, expected);
}

#[tokio::test]
async fn the_sync_token_answer_is_the_20_newest_newest_first() {
    let server = start(3, 30..=40).await;
    let conv = longest(&server);
    let answer = get_json(
        &server,
        &graphql(
            MESSAGES_ID,
            &format!("(conversationUrn:{})", enc(&conv.urn.to_string())),
        ),
    )
    .await;
    let list = collection(&answer, "messengerMessagesBySyncToken");
    let mut expected: Vec<String> = conv
        .messages
        .iter()
        .rev()
        .take(20)
        .map(|m| m.to_string())
        .collect();
    assert_eq!(urns(list), expected);
    expected.clear();
    assert!(list["metadata"]["newSyncToken"].is_string());
}

#[tokio::test]
async fn prev_cursor_pages_reach_the_first_message() {
    let server = start(3, 50..=60).await;
    let conv = longest(&server);
    let encoded = enc(&conv.urn.to_string());
    let first = get_json(
        &server,
        &graphql(
            ANCHOR_ID,
            &format!(
                "(deliveredAt:{FUTURE_MS},conversationUrn:{encoded},countBefore:20,countAfter:0)"
            ),
        ),
    )
    .await;
    let list = collection(&first, "messengerMessagesByAnchorTimestamp");
    let mut seen = urns(list);
    let mut cursor = list["metadata"]["prevCursor"].as_str().map(str::to_owned);
    while let Some(prev) = cursor {
        let vars = format!(
            "(conversationUrn:{encoded},count:20,prevCursor:{})",
            enc(&prev)
        );
        let answer = get_json(&server, &graphql(CURSOR_ID, &vars)).await;
        let page = collection(&answer, "messengerMessagesByConversation");
        let mut older = urns(page);
        older.extend(seen);
        seen = older;
        cursor = page["metadata"]["prevCursor"].as_str().map(str::to_owned);
    }
    let expected: Vec<String> = conv.messages.iter().map(|m| m.to_string()).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn messages_carry_the_documented_shapes() {
    let server = start(120, 10..=30).await;
    let snapshot = server.snapshot();
    let owner = snapshot.owner.to_string();
    let (
        mut recalled,
        mut edited,
        mut actor_null,
        mut brief,
        mut attachments,
        mut reactions,
        mut own,
    ) = (0, 0, 0, 0, 0, 0, 0);
    for conv in snapshot.conversations.iter().take(40) {
        let vars = format!(
            "(deliveredAt:{FUTURE_MS},conversationUrn:{},countBefore:20,countAfter:0)",
            enc(&conv.urn.to_string())
        );
        let answer = get_json(&server, &graphql(ANCHOR_ID, &vars)).await;
        for m in collection(&answer, "messengerMessagesByAnchorTimestamp")["elements"]
            .as_array()
            .unwrap()
        {
            assert_eq!(m["_type"], "com.linkedin.messenger.Message");
            assert_eq!(
                m["body"]["_type"],
                "com.linkedin.pemberly.text.AttributedText"
            );
            match m["messageBodyRenderFormat"].as_str().unwrap() {
                "RECALLED" => {
                    recalled += 1;
                    assert_eq!(m["body"]["text"], "");
                }
                "EDITED" => edited += 1,
                other => assert_eq!(other, "DEFAULT"),
            }
            actor_null += usize::from(m["actor"].is_null());
            brief += usize::from(m["sender"].get("participantType").is_none());
            attachments += usize::from(!m["renderContent"].as_array().unwrap().is_empty());
            reactions += usize::from(!m["reactionSummaries"].as_array().unwrap().is_empty());
            if m["sender"]["hostIdentityUrn"] == owner.as_str() {
                own += 1;
                assert!(m["originToken"].is_string());
            } else {
                assert!(m["originToken"].is_null());
            }
        }
    }
    for (what, count) in [
        ("recalled", recalled),
        ("edited", edited),
        ("actor null", actor_null),
        ("brief sender", brief),
        ("attachment", attachments),
        ("reaction", reactions),
        ("own", own),
    ] {
        assert!(
            count > 0,
            "no {what} message among the first 40 conversations"
        );
    }
}

#[tokio::test]
async fn a_deleted_conversation_answers_an_empty_page_not_an_error() {
    let server = start(5, 3..=5).await;
    let gone = server.delete_conversations(1).remove(0);
    let vars = format!("(conversationUrn:{})", enc(&gone.to_string()));
    let answer = get_json(&server, &graphql(MESSAGES_ID, &vars)).await;
    assert!(urns(collection(&answer, "messengerMessagesBySyncToken")).is_empty());
    assert!(
        server
            .snapshot()
            .conversations
            .iter()
            .all(|c| c.urn != gone)
    );
}
