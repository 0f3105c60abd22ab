//! The documented shapes of conversation list items: kinds, participants, embedded messages.

use crate::common::*;

#[tokio::test]
async fn the_conversation_list_carries_the_documented_kinds_and_participants() {
    let server = start(40, 0..=3).await;
    let owner = server.snapshot().owner.to_string();
    let mut seen = std::collections::HashSet::new();
    let mut without_messages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let vars = match &cursor {
            None => format!(
                "(query:(predicateUnions:List((conversationCategoryPredicate:(category:PRIMARY_INBOX)))),count:20,mailboxUrn:{},lastUpdatedBefore:1893456000000)",
                mailbox(&server)
            ),
            Some(c) => format!(
                "(query:(predicateUnions:List((conversationCategoryPredicate:(category:PRIMARY_INBOX)))),count:20,mailboxUrn:{},nextCursor:{})",
                mailbox(&server),
                enc(c)
            ),
        };
        let answer = get_json(&server, &graphql(CATEGORY_ID, &vars)).await;
        let list = collection(&answer, "messengerConversationsByCategoryQuery");
        for c in list["elements"].as_array().unwrap() {
            let participants = c["conversationParticipants"].as_array().unwrap();
            let selves = participants
                .iter()
                .filter(|p| p["participantType"]["member"]["distance"] == "SELF")
                .count();
            assert_eq!(selves, 1);
            assert!(
                participants
                    .iter()
                    .any(|p| p["hostIdentityUrn"] == owner.as_str())
            );
            let categories: Vec<&str> = c["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            match c.get("messages") {
                Some(m) => {
                    assert_eq!(m["elements"].as_array().unwrap().len(), 1);
                    assert_eq!(m["elements"][0]["deliveredAt"], c["lastActivityAt"]);
                }
                None => without_messages += 1,
            }
            if c["groupChat"] == true {
                assert!(participants.len() > 2 && c["title"].is_string());
                seen.insert("group");
            }
            if let Some(org) = participants
                .iter()
                .find(|p| !p["participantType"]["organization"].is_null())
            {
                assert!(
                    org["hostIdentityUrn"]
                        .as_str()
                        .unwrap()
                        .starts_with("urn:li:fsd_company:")
                );
                assert_eq!(categories, ["ARCHIVE", "INMAIL"]);
                seen.insert("sponsored");
            }
            if categories == ["INBOX", "PRIMARY_INBOX", "INMAIL"] {
                assert!(matches!(c["state"].as_str(), Some("PENDING" | "ACCEPTED")));
                seen.insert("inmail");
            }
            for p in participants
                .iter()
                .filter(|p| !p["participantType"]["member"].is_null())
            {
                let id = p["hostIdentityUrn"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("urn:li:fsd_profile:");
                assert_eq!(
                    p["participantType"]["member"]["profileUrl"],
                    format!("https://www.linkedin.com/in/{id}")
                );
            }
        }
        cursor = list["metadata"]["nextCursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(without_messages > 0);
}
