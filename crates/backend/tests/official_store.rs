//! The official API's part of the store contract, on SQLite always and on PostgreSQL when one
//! is reachable (as `store_contract`).

use chrono::Duration;
use ping_backend::ids::{ContactId, UserId};
use ping_backend::official::associations::{AssociationOutcome, AssociationState, CrmRecordKey};
use ping_backend::official::leads::{
    FieldMapping, LeadField, LeadFormId, LeadResponseId, MappedLead,
};
use ping_backend::store::sql::SqlStore;
use ping_backend::store::*;

use crate::helpers::start_time;

fn app(client_id: &str) -> LinkedInApp {
    LinkedInApp {
        client_id: client_id.into(),
        client_secret_sealed: "sealed-secret".into(),
        scopes: vec!["openid".into(), "r_sales_nav_profiles".into()],
        updated_at: start_time(),
    }
}

fn connection() -> OfficialConnection {
    OfficialConnection {
        access_token_sealed: "sealed-access".into(),
        access_expires_at: start_time() + Duration::days(60),
        refresh_token_sealed: None,
        refresh_expires_at: None,
        granted_scopes: vec!["openid".into()],
        connected_at: start_time(),
        refreshed_at: None,
        refresh_failure: None,
    }
}

async fn official_contract(store: &SqlStore) {
    let now = start_time();
    let ada = store
        .create_user("ada@example.com", "hash", now)
        .await
        .unwrap();
    let bob = store
        .create_user("bob@example.com", "hash", now)
        .await
        .unwrap();

    // Apps: one per user, a client id belongs to one user, a new client id drops the tokens.
    store.save_linkedin_app(ada, &app("ada-app")).await.unwrap();
    assert_eq!(
        store.get_linkedin_app(ada).await.unwrap(),
        Some(app("ada-app"))
    );
    assert!(matches!(
        store.save_linkedin_app(bob, &app("ada-app")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.find_linkedin_app("ada-app").await.unwrap().unwrap().0,
        ada
    );
    assert_eq!(store.first_linkedin_apps().await.unwrap().len(), 1);
    store
        .save_official_connection(ada, &connection())
        .await
        .unwrap();
    assert_eq!(
        store.get_official_connection(ada).await.unwrap(),
        Some(connection())
    );
    store.save_linkedin_app(ada, &app("ada-app")).await.unwrap();
    assert!(
        store.get_official_connection(ada).await.unwrap().is_some(),
        "same app keeps it"
    );
    store
        .save_linkedin_app(ada, &app("ada-new-app"))
        .await
        .unwrap();
    assert_eq!(store.get_official_connection(ada).await.unwrap(), None);
    store
        .save_official_connection(ada, &connection())
        .await
        .unwrap();
    assert!(store.delete_official_connection(ada).await.unwrap());
    assert!(!store.delete_official_connection(ada).await.unwrap());

    // OAuth states: single use, until they expire, their user's.
    store
        .insert_oauth_state("s1", ada, now + Duration::minutes(10))
        .await
        .unwrap();
    store
        .insert_oauth_state("s2", bob, now - Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(store.take_oauth_state("s1", now).await.unwrap(), Some(ada));
    assert_eq!(store.take_oauth_state("s1", now).await.unwrap(), None);
    assert_eq!(store.take_oauth_state("s2", now).await.unwrap(), None);

    // Lead forms and leads: idempotent by LinkedIn's lead id, per user.
    let form = LeadFormId("4311".into());
    let mapping: FieldMapping = [(1, LeadField::FirstName), (3, LeadField::Email)].into();
    store
        .save_lead_form_mapping(ada, &form, &mapping)
        .await
        .unwrap();
    assert_eq!(
        store.get_lead_form_mapping(ada, &form).await.unwrap(),
        Some(mapping.clone())
    );
    assert_eq!(store.get_lead_form_mapping(bob, &form).await.unwrap(), None);
    assert_eq!(
        store.list_lead_form_mappings(ada).await.unwrap(),
        [(form.clone(), mapping)]
    );

    let response = LeadResponseId("lead-1".into());
    let mut lead = MappedLead::default();
    lead.fields.insert("first_name", "Grace".into());
    lead.answers.insert(1, "Grace".into());
    let new_lead = |user| NewLead {
        user,
        response: &response,
        form: &form,
        contact: None,
        lead: &lead,
        submitter: Some("urn:li:person:Ab3dEf"),
        test_lead: false,
        submitted_at: now,
        created_at: now,
    };
    assert!(store.insert_lead(&new_lead(ada)).await.unwrap().is_some());
    assert!(
        store.insert_lead(&new_lead(ada)).await.unwrap().is_none(),
        "stored once"
    );
    assert!(
        store.insert_lead(&new_lead(bob)).await.unwrap().is_some(),
        "per user"
    );
    assert!(store.lead_exists(ada, &response).await.unwrap());
    let leads = store.list_leads(ada).await.unwrap();
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].fields["first_name"], "Grace");
    assert_eq!(leads[0].answers[&1], "Grace");
    assert!(store.delete_lead(ada, &response).await.unwrap());
    assert!(!store.lead_exists(ada, &response).await.unwrap());

    let event = WebhookEvent {
        response_id: "lead-1".into(),
        form_id: "4311".into(),
        outcome: WebhookOutcome::Replay.name().into(),
        received_at: now,
    };
    store.record_webhook_event(ada, &event).await.unwrap();
    assert_eq!(store.list_webhook_events(ada, 10).await.unwrap(), [event]);
    assert!(store.list_webhook_events(bob, 10).await.unwrap().is_empty());
    assert_eq!(
        store
            .find_contact_for_lead(ada, Some("x@example.com"), None)
            .await
            .unwrap(),
        None
    );

    store.delete_linkedin_app(ada).await.unwrap();
    assert_eq!(store.get_linkedin_app(ada).await.unwrap(), None);

    crm_records(store, ada, bob).await;

    let post = PostRecord {
        organization: "urn:li:organization:2414183".into(),
        commentary: "Q3 webinar".into(),
        visibility: "PUBLIC".into(),
        image_urn: Some("urn:li:image:D4E".into()),
        state: "throttled".into(),
        post_urn: None,
        message: Some("Resource level throttle limit".into()),
        retry_after: Some(now + Duration::minutes(15)),
        created_at: now,
    };
    store.insert_post(ada, &post).await.unwrap();
    assert_eq!(store.list_posts(ada, 10).await.unwrap(), [post]);
    assert!(store.list_posts(bob, 10).await.unwrap().is_empty());

    engagement(store, ada, bob).await;
}

/// Engagement: once per LinkedIn id and user, attached through the CRM record's member (also
/// when the match comes later); the poll's state; the job's connection marks.
async fn engagement(store: &SqlStore, ada: UserId, bob: UserId) {
    let now = start_time();
    let zoe = store.list_crm_records(ada).await.unwrap()[0].contact;
    let comment = |id: &str, actor: &str| NewEngagement {
        engagement_id: id.into(),
        kind: EngagementKind::Comment,
        post_urn: "urn:li:share:1".into(),
        actor: actor.into(),
        content: "Great webinar".into(),
        occurred_at: now,
    };
    let early = comment("c0", "urn:li:person:Zo3");
    assert!(store.record_engagement(ada, &early, now).await.unwrap());
    assert_eq!(
        store.post_engagements(ada, "urn:li:share:1").await.unwrap()[0].contact,
        None,
        "no match yet"
    );
    let matched = AssociationOutcome {
        state: AssociationState::Matched,
        member: Some("urn:li:person:Zo3".into()),
        profile_url: None,
        photo_url: None,
        message: None,
        check_after: None,
        throttled: 0,
    };
    store
        .record_association(ada, zoe, &matched, now)
        .await
        .unwrap();
    // The public photo is queued as the avatar of a contact without one, once.
    let with_photo = AssociationOutcome {
        photo_url: Some("https://media.licdn.com/dms/image/C4E03AQ/0".into()),
        ..matched.clone()
    };
    for _ in 0..2 {
        store
            .record_association(ada, zoe, &with_photo, now)
            .await
            .unwrap();
    }
    let job = store
        .claim_avatar_job(now, now - Duration::hours(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (job.contact, job.url.as_str()),
        (zoe, "https://media.licdn.com/dms/image/C4E03AQ/0")
    );
    assert!(
        store
            .claim_avatar_job(now, now - Duration::hours(1))
            .await
            .unwrap()
            .is_none(),
        "queued once"
    );
    let first = comment("c1", "urn:li:person:Zo3");
    assert!(store.record_engagement(ada, &first, now).await.unwrap());
    assert!(
        !store.record_engagement(ada, &first, now).await.unwrap(),
        "once"
    );
    assert!(
        store.record_engagement(bob, &first, now).await.unwrap(),
        "per user"
    );
    let stranger = NewEngagement {
        kind: EngagementKind::Reaction,
        content: "PRAISE".into(),
        ..comment("r1", "urn:li:person:Str4nger")
    };
    assert!(store.record_engagement(ada, &stranger, now).await.unwrap());
    let of_zoe = store.contact_engagements(ada, zoe).await.unwrap();
    assert_eq!(of_zoe.len(), 2, "the early one attached too");
    assert_eq!(of_zoe[0].contact_name.as_deref(), Some("Zoe"));
    let of_post = store.post_engagements(ada, "urn:li:share:1").await.unwrap();
    assert_eq!(of_post.len(), 3);
    assert!(
        of_post
            .iter()
            .any(|e| e.kind == EngagementKind::Reaction && e.contact.is_none())
    );
    assert!(
        store
            .contact_engagements(bob, zoe)
            .await
            .unwrap()
            .is_empty()
    );

    let sync = EngagementSync {
        state: EngagementState::Throttled,
        message: Some("Resource level throttle limit".into()),
        throttled: 2,
        polled_at: now,
        poll_after: Some(now + Duration::minutes(30)),
    };
    assert_eq!(store.get_engagement_sync(ada).await.unwrap(), None);
    let since = |minutes| now - Duration::minutes(minutes);
    assert!(
        store
            .claim_engagement_poll(ada, now, since(7))
            .await
            .unwrap()
    );
    assert!(
        !store
            .claim_engagement_poll(ada, now, since(7))
            .await
            .unwrap(),
        "polled just now"
    );
    let later = now + Duration::minutes(8);
    assert!(
        store
            .claim_engagement_poll(ada, later, later - Duration::minutes(7))
            .await
            .unwrap()
    );
    store.save_engagement_sync(ada, &sync).await.unwrap();
    store.save_engagement_sync(ada, &sync).await.unwrap();
    assert_eq!(store.get_engagement_sync(ada).await.unwrap(), Some(sync));
    let after_pause = now + Duration::minutes(30);
    assert!(
        !store
            .claim_engagement_poll(ada, after_pause - Duration::seconds(1), now)
            .await
            .unwrap(),
        "the 429's backoff runs"
    );
    assert!(
        store
            .claim_engagement_poll(ada, after_pause, now)
            .await
            .unwrap()
    );

    // The job's marks: connected users, the reminder claimed once per token end.
    assert!(store.connected_users().await.unwrap().is_empty());
    store
        .save_official_connection(ada, &connection())
        .await
        .unwrap();
    assert_eq!(
        store.connected_users().await.unwrap(),
        [(ada, "ada@example.com".to_owned())]
    );
    let end = connection().access_expires_at;
    assert!(
        !store
            .claim_reminder(ada, end + Duration::days(1))
            .await
            .unwrap(),
        "another end"
    );
    assert!(store.claim_reminder(ada, end).await.unwrap());
    assert!(!store.claim_reminder(ada, end).await.unwrap(), "once");
    store.release_reminder(ada).await.unwrap();
    assert!(store.claim_reminder(ada, end).await.unwrap(), "given back");
    let failed = OfficialConnection {
        refresh_failure: Some("invalid_grant".into()),
        ..connection()
    };
    store.save_official_connection(ada, &failed).await.unwrap();
    assert_eq!(
        store.get_official_connection(ada).await.unwrap(),
        Some(failed)
    );
}

/// Engagement polled again under the same LinkedIn id: a changed reaction type or an edited
/// comment replaces the stored content without counting as new; an unchanged one is a no-op.
async fn changed_engagement_contract(store: &SqlStore) {
    let now = start_time();
    let ada = store
        .create_user("ada@example.com", "hash", now)
        .await
        .unwrap();
    let bob = store
        .create_user("bob@example.com", "hash", now)
        .await
        .unwrap();
    let post = "urn:li:share:1";
    let reaction = |content: &str| NewEngagement {
        engagement_id: format!("urn:li:reaction:(urn:li:person:Zo3,{post})"),
        kind: EngagementKind::Reaction,
        post_urn: post.into(),
        actor: "urn:li:person:Zo3".into(),
        content: content.into(),
        occurred_at: now,
    };
    let comment = |content: &str| NewEngagement {
        engagement_id: "urn:li:comment:(urn:li:activity:1,7182400000000000000)".into(),
        kind: EngagementKind::Comment,
        content: content.into(),
        ..reaction("")
    };
    let stored = |user| async move {
        let mut all = store.post_engagements(user, post).await.unwrap();
        all.sort_by(|a, b| a.engagement_id.cmp(&b.engagement_id));
        all.into_iter()
            .map(|e| (e.kind, e.content, e.occurred_at))
            .collect::<Vec<_>>()
    };
    let later = now + Duration::minutes(15);

    assert!(
        store
            .record_engagement(ada, &reaction("LIKE"), now)
            .await
            .unwrap()
    );
    assert!(
        store
            .record_engagement(ada, &comment("Great webinar"), now)
            .await
            .unwrap()
    );
    assert!(
        store
            .record_engagement(bob, &reaction("LIKE"), now)
            .await
            .unwrap()
    );

    // The member turns the LIKE into PRAISE and edits the comment; LinkedIn keeps both ids.
    let praise = NewEngagement {
        occurred_at: later,
        ..reaction("PRAISE")
    };
    assert!(
        !store.record_engagement(ada, &praise, later).await.unwrap(),
        "a changed reaction is not new"
    );
    assert!(
        !store
            .record_engagement(ada, &comment("Great webinar, thanks!"), later)
            .await
            .unwrap(),
        "an edited comment is not new"
    );
    let changed = vec![
        (
            EngagementKind::Comment,
            "Great webinar, thanks!".to_owned(),
            now,
        ),
        (EngagementKind::Reaction, "PRAISE".to_owned(), now),
    ];
    assert_eq!(
        stored(ada).await,
        changed,
        "new content, first occurrence kept"
    );
    assert_eq!(
        stored(bob).await,
        [(EngagementKind::Reaction, "LIKE".to_owned(), now)],
        "another user's record of the same id is left alone"
    );

    // Polled again unchanged: nothing new, nothing changed.
    assert!(!store.record_engagement(ada, &praise, later).await.unwrap());
    assert_eq!(stored(ada).await, changed);
    // And back to LIKE.
    assert!(
        !store
            .record_engagement(ada, &reaction("LIKE"), later)
            .await
            .unwrap()
    );
    assert_eq!(stored(ada).await[1].1, "LIKE");
}

/// CRM Sync records: only on the user's own contacts, due until checked, then by their time.
async fn crm_records(store: &SqlStore, ada: UserId, bob: UserId) {
    let now = start_time();
    let contact: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (user_id, kind, display_name, created_at, updated_at) \
         VALUES ($1, 'person', 'Zoe', 0, 0) RETURNING id",
    )
    .bind(ada.0)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let contact = ContactId(contact);
    let key = CrmRecordKey {
        partner: "MS".into(),
        instance_id: "contoso.crm.dynamics.com".into(),
        record_id: "7e0d".into(),
    };
    assert!(
        !store.set_crm_record(bob, contact, &key).await.unwrap(),
        "not Bob's contact"
    );
    assert!(store.set_crm_record(ada, contact, &key).await.unwrap());
    let due = store.due_crm_records(ada, now, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].state, &due[0].key),
        (AssociationState::Pending, &key)
    );
    assert!(
        store
            .due_crm_records(bob, now, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let matched = AssociationOutcome {
        state: AssociationState::Matched,
        member: Some("urn:li:person:Ab3dEf".into()),
        profile_url: Some("https://www.linkedin.com/sales/profile/X".into()),
        photo_url: None,
        message: None,
        check_after: Some(now + Duration::days(30)),
        throttled: 0,
    };
    store
        .record_association(ada, contact, &matched, now)
        .await
        .unwrap();
    assert!(
        store
            .due_crm_records(ada, now, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let due_later = store
        .due_crm_records(ada, now + Duration::days(30), 10)
        .await
        .unwrap();
    assert_eq!(due_later.len(), 1);
    assert_eq!(
        store
            .contact_crm_record(ada, contact)
            .await
            .unwrap()
            .unwrap()
            .member,
        matched.member
    );
    assert_eq!(store.contact_crm_record(bob, contact).await.unwrap(), None);
    let listed = store.list_crm_records(ada).await.unwrap();
    assert_eq!(listed[0].contact_name, "Zoe");
    assert_eq!(listed[0].profile_url, matched.profile_url);
    assert_eq!(listed[0].checked_at, Some(now));
    // Setting the record again starts over.
    store.set_crm_record(ada, contact, &key).await.unwrap();
    assert_eq!(
        store.list_crm_records(ada).await.unwrap()[0].state,
        AssociationState::Pending
    );
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_official_api_contract() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("official.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    official_contract(&store).await;
    store.close().await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_store_keeps_the_official_api_contract() {
    use crate::store_contract::postgres::{drop_schema, scratch_store};
    let Some((store, admin, schema)) = scratch_store().await else {
        return;
    };
    official_contract(&store).await;
    drop_schema(store, admin, schema).await;
}

#[tokio::test]
async fn the_sqlite_store_replaces_a_changed_reaction_or_edited_comment_without_counting_it_new() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("changed.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    changed_engagement_contract(&store).await;
    store.close().await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn the_postgres_store_replaces_a_changed_reaction_or_edited_comment_without_counting_it_new()
{
    use crate::store_contract::postgres::{drop_schema, scratch_store};
    let Some((store, admin, schema)) = scratch_store().await else {
        return;
    };
    changed_engagement_contract(&store).await;
    drop_schema(store, admin, schema).await;
}
