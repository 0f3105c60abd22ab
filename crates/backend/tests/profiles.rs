//! The profiles API: enrichment, public-identifier matching, and the user's edits.

use axum::http::StatusCode;
use ping_backend::store::{LibraryStore as _, UserStore as _};
use serde_json::json;

use crate::fixtures::*;
use crate::helpers::TestApp;

#[tokio::test]
async fn a_profile_enriches_the_contact_and_adds_its_public_identifier() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let zoe = member(1);
    let (status, response) = app
        .post(
            "/api/v1/profiles",
            Some(&token),
            profiles_push(vec![profile(Some(&zoe), Some("zoe-example"))]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(
        response["profiles"],
        json!({"created": 0, "updated": 1, "unchanged": 0})
    );
    let user = app
        .store
        .find_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let contact = app
        .store
        .find_contact_by_urn(user, &zoe.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.fields.title.as_deref(), Some("CTO"));
    assert_eq!(contact.fields.company.as_deref(), Some("Acme"));
    assert_eq!(
        contact.fields.public_identifier.as_deref(),
        Some("zoe-example")
    );
    assert_eq!(
        app.store.list_contacts(user).await.unwrap().len(),
        1,
        "no duplicate"
    );
}

#[tokio::test]
async fn a_capture_with_only_a_public_identifier_matches_the_contact_that_has_it() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let zoe = member(1);
    let mut first = profile(Some(&zoe), Some("zoe-example"));
    first.title = None;
    app.post("/api/v1/profiles", Some(&token), profiles_push(vec![first]))
        .await;

    let mut page_visit = profile(None, Some("zoe-example"));
    page_visit.title = Some("Chief Technology Officer".into());
    let (_, response) = app
        .post(
            "/api/v1/profiles",
            Some(&token),
            profiles_push(vec![page_visit]),
        )
        .await;
    assert_eq!(response["profiles"]["updated"], 1, "{response}");
    let user = app
        .store
        .find_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let contact = app
        .store
        .find_contact_by_urn(user, &zoe.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        contact.fields.title.as_deref(),
        Some("Chief Technology Officer")
    );
    assert_eq!(app.store.list_contacts(user).await.unwrap().len(), 1);
}

#[tokio::test]
async fn fields_edited_in_the_web_ui_are_never_overwritten_by_sync() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let user = app
        .store
        .find_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let zoe = member(1);
    let contact = app
        .store
        .find_contact_by_urn(user, &zoe.to_string())
        .await
        .unwrap()
        .unwrap();
    let (status, _, _) = app
        .form(
            &format!("/contacts/{}", contact.id),
            &browser,
            &[
                ("csrf", &browser.csrf),
                ("display_name", "Zoë (RustConf)"),
                ("title", "Chief Tinkerer"),
                ("company", ""),
                ("location", ""),
                ("notes", "owes me a coffee"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.post(
        "/api/v1/profiles",
        Some(&token),
        profiles_push(vec![profile(Some(&zoe), None)]),
    )
    .await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let contact = app
        .store
        .find_contact_by_urn(user, &zoe.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.fields.display_name, "Zoë (RustConf)");
    assert_eq!(contact.fields.title.as_deref(), Some("Chief Tinkerer"));
    assert_eq!(contact.notes.as_deref(), Some("owes me a coffee"));
    assert_eq!(
        contact.fields.company.as_deref(),
        Some("Acme"),
        "untouched fields still sync"
    );
}

#[tokio::test]
async fn a_profile_without_urn_or_public_identifier_is_rejected_alone() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let (_, response) = app
        .post(
            "/api/v1/profiles",
            Some(&token),
            profiles_push(vec![profile(None, None), profile(Some(&member(1)), None)]),
        )
        .await;
    assert_eq!(response["profiles"]["updated"], 1);
    assert_eq!(response["rejected"][0]["index"], 0);
}

#[tokio::test]
async fn a_visited_profile_of_someone_never_messaged_is_not_added() {
    let app = TestApp::new().await;
    let (_, token) = app.paired_user("ada@example.com").await;
    let (_, response) = app
        .post(
            "/api/v1/profiles",
            Some(&token),
            profiles_push(vec![profile(Some(&member(7)), Some("stranger"))]),
        )
        .await;
    assert_eq!(
        response["profiles"],
        json!({"created": 0, "updated": 0, "unchanged": 1})
    );
    let user = app
        .store
        .find_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(app.store.list_contacts(user).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_nul_typed_into_the_edit_form_is_dropped_not_stored() {
    let app = TestApp::new().await;
    let (browser, token) = app.paired_user("ada@example.com").await;
    app.post("/api/v1/sync/push", Some(&token), to_json(&small_batch()))
        .await;
    let user = app.user_id("ada@example.com").await;
    let contact = app.contact(user, &member(1)).await;
    let (status, _, _) = app
        .form(
            &format!("/contacts/{}", contact.id),
            &browser,
            &[
                ("csrf", &browser.csrf),
                ("display_name", "Zoe\0"),
                ("title", ""),
                ("company", "\0"),
                ("location", ""),
                ("notes", "met at\0 RustConf"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let contact = app
        .store
        .get_contact(user, contact.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.fields.display_name, "Zoe");
    assert_eq!(contact.fields.company, None);
    assert_eq!(contact.notes.as_deref(), Some("met at RustConf"));
}
