//! One contract for the `Store`, run on SQLite (a temp file) always and on PostgreSQL when one
//! is reachable (`TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/test`). Each
//! Postgres run gets its own schema, dropped at the end; without a server it is skipped.

use chrono::Duration;
use ping_backend::ids::TokenId;
use ping_backend::ingest::{prepare_batch, prepare_profiles};
use ping_backend::store::sql::SqlStore;
use ping_backend::store::*;
use ping_protocol::{RunOutcome, RunReport, SyncRequest, SyncRequestState, SyncTrigger};

use crate::fixtures::*;
use crate::helpers::start_time;

fn token(
    user: ping_backend::ids::UserId,
    hash: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> NewToken {
    NewToken {
        user,
        token_hash: hash.into(),
        client_name: "Chrome".into(),
        created_at: at,
        expires_at: at + Duration::days(30),
    }
}

/// The story every store must tell the same way.
async fn contract(store: &dyn Store) {
    let now = start_time();

    // Users are unique by email; sessions expire.
    let ada = store
        .create_user("ada@example.com", "hash", now)
        .await
        .unwrap();
    let bob = store
        .create_user("bob@example.com", "hash", now)
        .await
        .unwrap();
    assert!(matches!(
        store.create_user("ada@example.com", "hash", now).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.count_users().await.unwrap(), 2);
    store
        .create_session(&NewSession {
            id_hash: "s1".into(),
            user: ada,
            csrf_token: "c".into(),
            created_at: now,
            expires_at: now + Duration::hours(1),
        })
        .await
        .unwrap();
    assert_eq!(
        store.find_session("s1", now).await.unwrap().unwrap().user,
        ada
    );
    assert!(
        store
            .find_session("s1", now + Duration::hours(2))
            .await
            .unwrap()
            .is_none()
    );

    // Codes are paired once and redeemed once.
    store
        .insert_pairing_code(&PairingCodeRecord {
            code: "PING-ABCDEF".into(),
            direction: CodeDirection::FromExtension,
            user: None,
            client_name: "Chrome".into(),
            poll_secret_hash: Some("secret".into()),
            created_at: now,
            expires_at: now + Duration::minutes(10),
            paired_at: None,
            consumed_at: None,
        })
        .await
        .unwrap();
    assert!(store.pair_code("PING-ABCDEF", ada, now).await.unwrap());
    assert!(!store.pair_code("PING-ABCDEF", bob, now).await.unwrap());
    let first = store
        .redeem_code("PING-ABCDEF", &token(ada, "t1", now))
        .await
        .unwrap();
    assert!(first.is_some());
    assert!(
        store
            .redeem_code("PING-ABCDEF", &token(ada, "t2", now))
            .await
            .unwrap()
            .is_none()
    );

    // Failures are counted per key within a window.
    store
        .record_attempt(&["ip:1".into(), "user:1".into()], now)
        .await
        .unwrap();
    store
        .record_attempt(&["ip:1".into()], now + Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        store
            .count_attempts("ip:1", now - Duration::seconds(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .count_attempts("ip:1", now + Duration::minutes(1))
            .await
            .unwrap(),
        1
    );

    // Expired sessions and old failures are purged; an expired code stays until it is stale,
    // so that it is refused as expired rather than unknown.
    store
        .purge_expired(now + Duration::hours(2), now + Duration::minutes(1))
        .await
        .unwrap();
    assert!(
        store
            .find_pairing_code("PING-ABCDEF")
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .count_attempts("ip:1", now - Duration::seconds(1))
            .await
            .unwrap(),
        1
    );
    store
        .purge_expired(now + Duration::days(2), now + Duration::days(1))
        .await
        .unwrap();
    assert!(
        store
            .find_pairing_code("PING-ABCDEF")
            .await
            .unwrap()
            .is_none()
    );

    // Tokens rotate once (a second refresh finds the successor) and revoke within their owner
    // only; revoking the successor ends the old token's grace.
    let t1 = first.unwrap();
    let t3 = match store
        .rotate_token(t1, &token(ada, "t3", now), "sealed-t3")
        .await
        .unwrap()
    {
        Rotation::Issued(id) => id,
        other => panic!("the first refresh issues: {other:?}"),
    };
    match store
        .rotate_token(t1, &token(ada, "t4", now), "sealed-t4")
        .await
        .unwrap()
    {
        Rotation::Replaced(successor) => {
            assert_eq!(successor.id, t3);
            assert_eq!(successor.sealed.as_deref(), Some("sealed-t3"));
            assert_eq!(successor.expires_at, now + Duration::days(30));
            assert!(!successor.revoked);
        }
        other => panic!("a second refresh finds the first one's token: {other:?}"),
    }
    assert!(
        store.find_token("t4").await.unwrap().is_none(),
        "nothing issued"
    );
    let replaced = store.find_token("t1").await.unwrap().unwrap();
    assert!(replaced.revoked_at.is_some() && replaced.rotated_at.is_some());
    assert_eq!(store.list_tokens(ada).await.unwrap().len(), 1, "t3 alone");
    assert!(!store.revoke_token(bob, t3, now).await.unwrap());
    assert!(store.revoke_token(ada, t3, now).await.unwrap());
    assert!(!store.revoke_token(ada, TokenId(-1), now).await.unwrap());
    assert!(store.list_tokens(ada).await.unwrap().is_empty());
    assert!(matches!(
        store
            .rotate_token(t1, &token(ada, "t5", now), "sealed-t5")
            .await
            .unwrap(),
        Rotation::Revoked
    ));
    assert_eq!(
        store.find_token("t1").await.unwrap().unwrap().rotated_at,
        None
    );

    // Browsers remembered at login, until they expire.
    store
        .remember_device("d1", ada, now, now + Duration::days(365))
        .await
        .unwrap();
    assert_eq!(store.find_device("d1", now).await.unwrap(), Some(ada));
    assert_eq!(store.find_device("d2", now).await.unwrap(), None);
    let later = now + Duration::days(366);
    assert_eq!(store.find_device("d1", later).await.unwrap(), None);

    // Ingest is idempotent and scoped.
    let (batch, rejected) = prepare_batch(serde_json::from_value(to_json(&small_batch())).unwrap());
    assert!(rejected.is_empty());
    let counts = store.ingest_batch(ada, &batch, now).await.unwrap();
    assert_eq!(
        (counts.conversations.created, counts.messages.created),
        (1, 3)
    );
    let again = store.ingest_batch(ada, &batch, now).await.unwrap();
    assert_eq!(
        (again.conversations.unchanged, again.messages.unchanged),
        (1, 3)
    );
    assert!(store.all_conversations(bob).await.unwrap().is_empty());
    assert_eq!(store.list_contacts(ada).await.unwrap().len(), 1);
    assert_eq!(
        store
            .search_messages(ada, "tuesday", 10)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .search_messages(bob, "tuesday", 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Backfill is asked once a day.
    assert_eq!(
        store
            .take_backfill_requests(ada, 10, now - Duration::days(1), now)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .take_backfill_requests(ada, 10, now - Duration::days(1), now)
            .await
            .unwrap()
            .is_empty()
    );

    // Contacts: user edits win over later profiles; views and exports are scoped.
    let zoe = store
        .find_contact_by_urn(ada, &member(1).to_string())
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .find_contact_by_urn(bob, &member(1).to_string())
            .await
            .unwrap()
            .is_none()
    );
    let edit = ContactEdit {
        display_name: "Zoë".into(),
        title: Some("Chief Tinkerer".into()),
        ..ContactEdit::default()
    };
    assert!(store.edit_contact(ada, zoe.id, &edit, now).await.unwrap());
    assert!(!store.edit_contact(bob, zoe.id, &edit, now).await.unwrap());
    let zoe_profile = profiles_push(vec![profile(Some(&member(1)), Some("zoe-example"))]);
    let (profiles, _) = prepare_profiles(serde_json::from_value(zoe_profile).unwrap());
    let counts = store.apply_profiles(ada, &profiles, now).await.unwrap();
    assert_eq!(counts.updated, 1);
    let zoe = store.get_contact(ada, zoe.id).await.unwrap().unwrap();
    assert_eq!(
        (
            zoe.fields.display_name.as_str(),
            zoe.fields.title.as_deref()
        ),
        ("Zoë", Some("Chief Tinkerer"))
    );
    assert_eq!(
        (
            zoe.fields.company.as_deref(),
            zoe.fields.public_identifier.as_deref()
        ),
        (Some("Acme"), Some("zoe-example"))
    );
    assert!(store.get_contact(bob, zoe.id).await.unwrap().is_none());
    assert_eq!(store.export_contacts(ada).await.unwrap().len(), 1);
    let threads = store.contact_conversations(ada, zoe.id).await.unwrap();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].participants[0].display_name, "Zoë");
    assert!(
        store
            .get_conversation(ada, threads[0].id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .get_conversation(bob, threads[0].id)
            .await
            .unwrap()
            .is_none()
    );

    // Avatar jobs are claimed once; stored bytes are served to the owner only.
    let mut with_picture = small_batch();
    with_picture.conversations[0].participants[1].picture =
        Some(picture("https://media.licdn.com/dms/image/z", "asset-z"));
    let (batch, _) = prepare_batch(serde_json::from_value(to_json(&with_picture)).unwrap());
    store.ingest_batch(ada, &batch, now).await.unwrap();
    let job = store
        .claim_avatar_job(now, now - Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.url, "https://media.licdn.com/dms/image/z");
    assert!(
        store
            .claim_avatar_job(now, now - Duration::minutes(5))
            .await
            .unwrap()
            .is_none()
    );
    let image = AvatarImage {
        hash: "h1".into(),
        content_type: "image/png".into(),
        bytes: vec![1, 2, 3],
    };
    store
        .finish_avatar_job(job.id, &AvatarOutcome::Stored(image.clone()), now)
        .await
        .unwrap();
    assert_eq!(store.get_avatar(ada, "h1").await.unwrap(), Some(image));
    assert!(store.get_avatar(bob, "h1").await.unwrap().is_none());

    // A download the CDN refused is asked of the extension once, until it uploads.
    let mut new_picture = with_picture.clone();
    new_picture.conversations[0].participants[1].picture =
        Some(picture("https://media.licdn.com/dms/image/y", "asset-y"));
    let (batch, _) = prepare_batch(serde_json::from_value(to_json(&new_picture)).unwrap());
    store.ingest_batch(ada, &batch, now).await.unwrap();
    let job = store
        .claim_avatar_job(now, now - Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    store
        .finish_avatar_job(job.id, &AvatarOutcome::NeedsUpload("HTTP 403".into()), now)
        .await
        .unwrap();
    let asked = store
        .take_avatar_requests(ada, 10, now - Duration::hours(1), now)
        .await
        .unwrap();
    assert_eq!(asked.len(), 1);
    assert!(
        store
            .take_avatar_requests(ada, 10, now - Duration::hours(1), now)
            .await
            .unwrap()
            .is_empty()
    );
    let upload = AvatarImage {
        hash: "h2".into(),
        content_type: "image/png".into(),
        bytes: vec![9],
    };
    assert!(
        store
            .store_uploaded_avatar(ada, &member(1), &upload, now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .store_uploaded_avatar(bob, &member(1), &upload, now)
            .await
            .unwrap()
    );
    assert_eq!(store.get_avatar(ada, "h2").await.unwrap(), Some(upload));

    // Conversations LinkedIn reports deleted are hidden, and come back if pushed again.
    let mut deleting = small_batch();
    deleting.conversations.clear();
    deleting.messages.clear();
    deleting.deleted_conversations = vec![conversation_urn("2-zoe")];
    let (batch, _) = prepare_batch(serde_json::from_value(to_json(&deleting)).unwrap());
    store.ingest_batch(ada, &batch, now).await.unwrap();
    assert!(store.all_conversations(ada).await.unwrap().is_empty());
    let (batch, _) = prepare_batch(serde_json::from_value(to_json(&small_batch())).unwrap());
    let revived = store.ingest_batch(ada, &batch, now).await.unwrap();
    assert_eq!(revived.conversations.updated, 1);
    assert_eq!(store.all_conversations(ada).await.unwrap().len(), 1);

    // Runs, status and sync requests.
    let request = SyncRequest {
        id: "r1".into(),
        account_id: owner(),
        force: false,
        state: SyncRequestState::Queued,
        requested_at: now,
    };
    store.create_sync_request(ada, &request).await.unwrap();
    assert!(
        store
            .deliver_sync_request(bob, None, now)
            .await
            .unwrap()
            .is_none()
    );
    let delivered = store
        .deliver_sync_request(ada, Some(&owner()), now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(delivered.state, SyncRequestState::Delivered);
    let report = RunReport {
        run_id: "run-1".into(),
        account: Some(owner()),
        trigger: SyncTrigger::Requested,
        started_at: now,
        finished_at: now + Duration::seconds(3),
        outcome: RunOutcome::Completed,
        conversations_processed: 1,
        messages_processed: 3,
        profiles_backfilled: 0,
        requests_made: 2,
        errors: vec![],
    };
    store.insert_run(ada, &report, now).await.unwrap();
    assert_eq!(
        store
            .get_sync_request(ada, "r1")
            .await
            .unwrap()
            .unwrap()
            .state,
        SyncRequestState::Done
    );
    assert!(store.get_sync_request(bob, "r1").await.unwrap().is_none());
    let accounts = store.list_accounts(ada).await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(
        (
            accounts[0].conversations,
            accounts[0].messages,
            accounts[0].contacts
        ),
        (1, 3, 1)
    );
    assert_eq!(accounts[0].last_run.as_ref(), Some(&report));
    assert_eq!(store.list_runs(ada, 10).await.unwrap(), vec![report]);
    assert!(store.list_runs(bob, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("contract.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    contract(&store).await;
    store.close().await;
}

#[cfg(not(feature = "postgres"))]
#[tokio::test]
async fn a_postgres_url_without_the_feature_says_how_to_build_it() {
    let message = SqlStore::connect("postgres://nobody@127.0.0.1:1/none")
        .await
        .unwrap_err()
        .to_string();
    assert!(message.contains("--features postgres"), "{message}");
}

#[tokio::test]
async fn an_unknown_database_scheme_is_refused_by_name() {
    let message = SqlStore::connect("mysql://localhost/ping")
        .await
        .unwrap_err()
        .to_string();
    assert!(message.contains("\"mysql\""), "{message}");
}

#[cfg(feature = "postgres")]
mod postgres {
    use std::io::Write as _;

    use super::*;

    async fn admin_pool(url: &str) -> Option<sqlx::AnyPool> {
        sqlx::any::install_default_drivers();
        let options = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(3));
        options.connect(url).await.ok()
    }

    /// A fresh schema on the test server, or `None` (skip) when there is no server.
    async fn scratch_store() -> Option<(SqlStore, sqlx::AnyPool, String)> {
        let base = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let Some(admin) = admin_pool(&base).await else {
            // Written to the process's stderr directly, so the note shows past test capture.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: no PostgreSQL at {base} (set TEST_DATABASE_URL to run the contract on it)"
            );
            return None;
        };
        let schema = format!(
            "ping_test_{}",
            ping_backend::secrets::sha256_hex(ping_backend::secrets::random_token())[..12]
                .to_owned()
        );
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options[search_path]={schema}");
        let store = SqlStore::connect(&url).await.unwrap();
        Some((store, admin, schema))
    }

    #[tokio::test]
    async fn the_postgres_store_keeps_the_contract() {
        let Some((store, admin, schema)) = scratch_store().await else {
            return;
        };
        contract(&store).await;
        store.close().await;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&admin)
            .await
            .unwrap();
    }
}
