//! HTML pages, profiles, `/me` and the control API over HTTP.

use serde_json::Value;

use crate::common::*;

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
        let case_json: Value =
            serde_json::from_str(&std::fs::read_to_string(entry.path().join("case.json")).unwrap())
                .unwrap();
        let url = case_json["url"].as_str().unwrap();
        let path = &url[url.find("/in/").unwrap()..];
        assert_eq!(
            get(&server, path).await.text().await.unwrap(),
            input,
            "{path}"
        );
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
