//! The conversation list variants: sync token, category query with cursors, rotation.

use fake_linkedin::{Fault, LastPageShape, RotationAnswer};
use serde_json::Value;

use crate::common::*;

const FUTURE_MS: i64 = 1_893_456_000_000;

fn category_first(server: &fake_linkedin::FakeServer, before: i64, count: u32) -> String {
    graphql(
        CATEGORY_ID,
        &format!(
            "(query:(predicateUnions:List((conversationCategoryPredicate:(category:PRIMARY_INBOX)))),count:{count},mailboxUrn:{},lastUpdatedBefore:{before})",
            mailbox(server)
        ),
    )
}

fn category_next(server: &fake_linkedin::FakeServer, cursor: &str) -> String {
    graphql(
        CATEGORY_ID,
        &format!(
            "(query:(predicateUnions:List((conversationCategoryPredicate:(category:PRIMARY_INBOX)))),count:20,mailboxUrn:{},nextCursor:{})",
            mailbox(server),
            enc(cursor)
        ),
    )
}

async fn walk(server: &fake_linkedin::FakeServer) -> (Vec<String>, Vec<usize>) {
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut page = get_json(server, &category_first(server, FUTURE_MS, 20)).await;
    loop {
        let list = collection(&page, "messengerConversationsByCategoryQuery");
        assert_eq!(
            list["metadata"]["_type"],
            "com.linkedin.messenger.ConversationCursorMetadata"
        );
        sizes.push(list["elements"].as_array().unwrap().len());
        seen.extend(urns(list));
        match list["metadata"]["nextCursor"].as_str() {
            Some(cursor) if sizes.last() != Some(&0) => {
                page = get_json(server, &category_next(server, cursor)).await
            }
            _ => break,
        }
    }
    (seen, sizes)
}

#[tokio::test]
async fn cursor_paging_walks_every_conversation_exactly_once_newest_first() {
    let server = start(130, 0..=3).await;
    let expected: Vec<String> = server
        .snapshot()
        .conversations
        .iter()
        .map(|c| c.urn.to_string())
        .collect();
    let (seen, sizes) = walk(&server).await;
    assert_eq!(seen, expected);
    assert_eq!(
        sizes,
        [20, 20, 20, 20, 20, 20, 10],
        "the last page carries a null cursor"
    );
}

#[tokio::test]
async fn the_list_can_end_with_an_empty_page_instead_of_a_null_cursor() {
    let server = start_with(40, 0..=2, |c| c.last_page = LastPageShape::EmptyPage).await;
    let expected: Vec<String> = server
        .snapshot()
        .conversations
        .iter()
        .map(|c| c.urn.to_string())
        .collect();
    let (seen, sizes) = walk(&server).await;
    assert_eq!(seen, expected);
    assert_eq!(sizes, [20, 20, 0]);
}

#[tokio::test]
async fn last_updated_before_is_strict_and_a_count_of_30_answers_nothing() {
    let server = start(30, 1..=2).await;
    let snapshot = server.snapshot();
    let fifth = snapshot.conversations[4]
        .last_activity_at
        .timestamp_millis();
    let page = get_json(&server, &category_first(&server, fifth, 20)).await;
    let first = &urns(collection(&page, "messengerConversationsByCategoryQuery"))[0];
    assert_eq!(first, &snapshot.conversations[5].urn.to_string());
    let empty = get_json(&server, &category_first(&server, FUTURE_MS, 30)).await;
    assert_eq!(
        urns(collection(&empty, "messengerConversationsByCategoryQuery")).len(),
        0
    );
}

#[tokio::test]
async fn the_sync_token_answer_has_the_20_most_recent_then_only_what_changed() {
    let server = start(60, 1..=4).await;
    let path = graphql(
        CONVERSATIONS_ID,
        &format!("(mailboxUrn:{})", mailbox(&server)),
    );
    let first = get_json(&server, &path).await;
    let list = collection(&first, "messengerConversationsBySyncToken");
    assert_eq!(
        list["metadata"]["_type"],
        "com.linkedin.messenger.SyncMetadata"
    );
    assert_eq!(urns(list).len(), 20);
    let token = list["metadata"]["newSyncToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let delta_path = graphql(
        CONVERSATIONS_ID,
        &format!(
            "(mailboxUrn:{},syncToken:{})",
            mailbox(&server),
            enc(&token)
        ),
    );
    assert!(
        urns(collection(
            &get_json(&server, &delta_path).await,
            "messengerConversationsBySyncToken"
        ))
        .is_empty()
    );

    let touched: Vec<String> = server
        .add_activity(3, 2)
        .iter()
        .map(|u| u.to_string())
        .collect();
    let delta = get_json(&server, &delta_path).await;
    let changed = collection(&delta, "messengerConversationsBySyncToken");
    let mut expected = touched.clone();
    expected.reverse();
    assert_eq!(urns(changed), expected, "newest first");
    for item in changed["elements"].as_array().unwrap() {
        let last = &item["messages"]["elements"][0];
        assert_eq!(last["deliveredAt"], item["lastActivityAt"]);
    }
    let top: Vec<String> = server.snapshot().conversations[..3]
        .iter()
        .map(|c| c.urn.to_string())
        .collect();
    assert_eq!(top, expected);

    let gone: Vec<serde_json::Value> = server
        .delete_conversations(1)
        .iter()
        .map(|u| serde_json::json!({"conversation": {"entityUrn": u.to_string()}}))
        .collect();
    let after_delete = get_json(&server, &delta_path).await;
    let deleted =
        &collection(&after_delete, "messengerConversationsBySyncToken")["metadata"]["deletedUrns"];
    assert_eq!(deleted, &serde_json::json!(gone));
}

#[tokio::test]
async fn an_unknown_hash_is_answered_like_a_rotation_in_either_shape() {
    let server = start(3, 0..=1).await;
    let vars = format!("(mailboxUrn:{})", mailbox(&server));
    let stale = graphql(
        "messengerConversations.ffffffffffffffffffffffffffffffff",
        &vars,
    );
    let response = get(&server, &stale).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["status"], 400);

    server.tune(|t| t.rotation_answer = RotationAnswer::GraphqlErrors);
    let errors = get_json(&server, &stale).await;
    assert!(errors["errors"][0]["message"].is_string());
    assert!(errors.get("data").is_none());
}

#[tokio::test]
async fn a_rotation_retires_the_built_in_ids_and_the_messaging_page_requests_the_new_ones() {
    let server = start(3, 1..=1).await;
    server.inject(Fault::RotateQueryIds, 1);
    let vars = format!("(mailboxUrn:{})", mailbox(&server));
    assert_eq!(
        get(&server, &graphql(CONVERSATIONS_ID, &vars))
            .await
            .status(),
        400
    );
    let live = server.live_query_ids();
    assert_eq!(live.len(), 5);
    assert!(
        live.iter()
            .all(|id| !fake_linkedin::BUILT_IN_QUERY_IDS.contains(&id.to_string().as_str()))
    );
    let page = get(&server, "/messaging/").await.text().await.unwrap();
    for id in &live {
        assert!(
            page.contains(&id.to_string()),
            "{id} missing from the messaging page"
        );
        if id.name() == "messengerConversations" {
            get_json(&server, &graphql(&id.to_string(), &vars)).await;
        }
    }
    server.clear_faults();
    assert_eq!(
        get(&server, &graphql(CONVERSATIONS_ID, &vars))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn raw_parentheses_in_a_urn_and_unknown_variables_are_refused() {
    let server = start(3, 1..=1).await;
    let conv = server.snapshot().conversations[0].urn.to_string();
    let raw = enc(&conv).replace("%28", "(").replace("%29", ")");
    let response = get(
        &server,
        &graphql(MESSAGES_ID, &format!("(conversationUrn:{raw})")),
    )
    .await;
    assert_eq!(response.status(), 400);

    let odd = get_json(
        &server,
        &graphql(
            CONVERSATIONS_ID,
            &format!("(mailboxUrn:{},colour:blue)", mailbox(&server)),
        ),
    )
    .await;
    assert!(
        odd["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Validation")
    );
}
