//! HTML pages, profiles, `/me` and the control API over HTTP.
// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn me_answers_the_plain_and_the_normalized_form() {
    let server = start(3, 0..=1).await;
    let owner = server.snapshot().owner;
    let plain = get_json(&server, "/voyager/api/me").await;
    assert_eq!(plain["miniProfile"]["dashEntityUrn"], owner.to_string());
    assert!(
        plain["miniProfile"]["picture"]["com.linkedin.common.VectorImage"]["rootUrl"].is_string()
    );
    let normalized: Value = reqwest::Client::new()
        .get(format!("{}/voyager/api/me", server.base_url()))
        .header(
            "cookie",
            format!(
                "li_at={}; JSESSIONID={}",
                server.li_at(),
                server.jsessionid()
            ),
        )
        .header("csrf-token", server.jsessionid().trim_matches('"'))
        .header("accept", "application/vnd.linkedin.normalized+json+2.1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        normalized["data"]["*miniProfile"],
        format!("urn:li:fs_miniProfile:{}", owner.id())
    );
    assert_eq!(
        normalized["included"][0]["$type"],
        "com.linkedin.voyager.identity.shared.MiniProfile"
    );
}

#[tokio::test]
async fn dash_profiles_answer_by_slug_or_id_and_profile_view_is_gone() {
    let server = start(5, 0..=1).await;
    let member = server.snapshot().members[1].clone();
    for identity in [
        member.public_identifier.clone(),
        member.urn.id().to_string(),
    ] {
        let answer = get_json(&server, &format!(
            "/voyager/api/identity/dash/profiles?q=memberIdentity&memberIdentity={}&decorationId=com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-101",
            enc(&identity))).await;
        let profile = &answer["elements"][0];
        assert_eq!(profile["publicIdentifier"], member.public_identifier);
        assert_eq!(
            profile["profileTopPosition"]["elements"][0]["title"],
            member.title
        );
        assert_eq!(
            profile["profileTopPosition"]["elements"][0]["companyName"],
            member.company
        );
        assert_eq!(
            profile["geoLocation"]["geo"]["defaultLocalizedName"],
            member.location
        );
    }
    let gone = get(
        &server,
        &format!(
            "/voyager/api/identity/profiles/{}/profileView",
            member.public_identifier
        ),
    )
    .await;
    assert_eq!(gone.status(), 410);
}

#[tokio::test]
async fn generated_profile_pages_come_in_both_styles() {
    let server = start(6, 0..=1).await;
    let members = server.snapshot().members;
    let ember = members
        .iter()
        .find(|m| m.page_style == fake_linkedin::PageStyle::Ember && !m.is_owner)
        .unwrap();
    let sdui = members
        .iter()
        .find(|m| m.page_style == fake_linkedin::PageStyle::ServerDriven)
        .unwrap();
    let page = get(&server, &format!("/in/{}/", ember.public_identifier))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<h1 class=\"text-heading-xlarge") && page.contains("datalet-bpr-guid-1")
    );
    let page = get(&server, &format!("/in/{}/", sdui.public_identifier))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("<h1")
            && page.contains("Topcard\"")
            && page.contains("ProfileVerificationTriggerRef-")
    );
    assert_eq!(get(&server, "/in/nobody-at-all/").await.status(), 404);
}

#[tokio::test]
async fn the_control_api_drives_faults_activity_session_and_the_log() {
    let server = start(8, 1..=2).await;
    let http = reqwest::Client::new();
    let base = server.base_url();
    assert_eq!(
        http.get(format!("{base}/__fake/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    http.delete(format!("{base}/__fake/requests"))
        .send()
        .await
        .unwrap();

    http.post(format!("{base}/__fake/faults"))
        .json(&json!({"kind": "429", "times": 1, "retry_after": 7}))
        .send()
        .await
        .unwrap();
    let throttled = get(&server, "/voyager/api/me").await;
    assert_eq!(
        (
            throttled.status().as_u16(),
            throttled.headers()["retry-after"].to_str().unwrap()
        ),
        (429, "7")
    );

    let activity: Value = http
        .post(format!("{base}/__fake/activity"))
        .json(&json!({"conversations": 3, "messagesEach": 2}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(activity["conversations"].as_array().unwrap().len(), 3);

    http.post(format!("{base}/__fake/session"))
        .json(&json!({"revoked": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&server, "/voyager/api/me").await.status(), 401);
    http.post(format!("{base}/__fake/session"))
        .json(&json!({"revoked": false}))
        .send()
        .await
        .unwrap();

    let rotated: Value = http
        .post(format!("{base}/__fake/rotate"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rotated["liveQueryIds"].as_array().unwrap().len(), 5);

    let log: Value = http
        .get(format!("{base}/__fake/requests?since=0"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["/voyager/api/me", "/voyager/api/me"],
        "control calls are not logged"
    );

    let snapshot: Value = http
        .get(format!("{base}/__fake/snapshot"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        snapshot["conversations"][0]["urn"],
        activity["conversations"][2]
    );
    assert!(snapshot["members"][1]["publicIdentifier"].is_string());
}

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

#[tokio::test]
async fn profile_fixtures_are_served_by_case_name_and_by_their_public_identifier() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/linkedin");
    let server = start_with(2, 0..=1, |c| c.fixtures_dir = Some(dir.clone())).await;
    let mut served = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(case) = name.strip_prefix("profile-page-") else {
            continue;
        };
        let input = std::fs::read_to_string(entry.path().join("input.html")).unwrap();
        assert_eq!(
            get(&server, &format!("/in/fixture-{case}/"))
                .await
                .text()
                .await
                .unwrap(),
            input
        );
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(entry.path().join("expected.json")).unwrap(),
        )
        .unwrap();
        if let Some(slug) = expected["profile"]["publicIdentifier"].as_str() {
            assert_eq!(
                get(&server, &format!("/in/{slug}/"))
                    .await
                    .text()
                    .await
                    .unwrap(),
                input
            );
        }
        served += 1;
    }
    assert!(served > 0, "no profile-page fixtures in {}", dir.display());
}

#[tokio::test]
async fn the_mix_of_conversation_kinds_is_configurable() {
    let tuning = fake_linkedin::Tuning {
        mix: fake_linkedin::Mix {
            group: 0,
            inmail: 0,
            request: 0,
            sponsored: 100,
        },
        ..fake_linkedin::Tuning::default()
    };
    let config = fake_linkedin::FakeConfig::default();
    let server =
        fake_linkedin::FakeServer::start_with(config, tuning, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
    let kinds: Vec<_> = server
        .snapshot()
        .conversations
        .iter()
        .map(|c| c.kind)
        .collect();
    let sponsored = kinds
        .iter()
        .filter(|k| **k == fake_linkedin::ConvKind::Sponsored)
        .count();
    assert_eq!(
        sponsored,
        kinds.len() - 4,
        "all but the four other kinds among the first five"
    );
}
