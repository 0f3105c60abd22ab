//! One contract for the `Store`, run on SQLite (a temp file) always and on PostgreSQL when one
//! is reachable (`TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/test`). Each
//! Postgres run gets its own schema, dropped at the end; without a server it is skipped.

use chrono::Duration;
use ping_backend::ids::TokenId;
use ping_backend::ingest::{prepare_batch, prepare_profiles};
use ping_backend::store::sql::{Dialect, SqlStore};
use ping_backend::store::*;
use ping_protocol::{
    RecordKind, RunOutcome, RunReport, SyncRequest, SyncRequestState, SyncTrigger,
};

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
            .search_messages(ada, "tuesday", None, 10)
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    // Search pages newest first, each page ending where the next older one starts.
    let first = store
        .search_messages(ada, "tuesday", None, 1)
        .await
        .unwrap();
    let older = Cursor::parse(first.older.as_deref().expect("a second page")).unwrap();
    let second = store
        .search_messages(ada, "tuesday", Some(older), 1)
        .await
        .unwrap();
    assert_eq!((first.items.len(), second.items.len()), (1, 1));
    assert!(first.items[0].delivered_at > second.items[0].delivered_at);
    assert_eq!(second.older, None, "the second page is the last");
    assert!(
        store
            .search_messages(bob, "tuesday", None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // A contact is named for backfill until a lookup is reported, then not for a while.
    let named = || store.backfill_requests(ada, 10, now - Duration::days(7));
    assert_eq!(named().await.unwrap().len(), 1);
    assert_eq!(named().await.unwrap().len(), 1, "naming holds nothing back");
    let looked_up = named().await.unwrap()[0].member.clone();
    store
        .note_profile_lookups(ada, &[looked_up], now)
        .await
        .unwrap();
    assert!(named().await.unwrap().is_empty());
    assert!(
        store
            .backfill_requests(bob, 10, now - Duration::days(7))
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
    assert_eq!(counts.profiles.updated, 1);
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
        .take_avatar_requests(ada, 10, now - Duration::hours(1), now, &|_| true)
        .await
        .unwrap();
    assert_eq!(asked.len(), 1);
    assert!(
        store
            .take_avatar_requests(ada, 10, now - Duration::hours(1), now, &|_| true)
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
        force: true,
        state: SyncRequestState::Queued,
        requested_at: now,
    };
    store
        .join_or_create_sync_request(ada, &request)
        .await
        .unwrap();
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
    assert!(delivered.force);
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
        attachments_stored: 0,
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
    // The request knows the run that finished it, for its user only.
    assert_eq!(
        store.finished_run(ada, "r1").await.unwrap().as_ref(),
        Some(&report)
    );
    assert_eq!(store.finished_run(bob, "r1").await.unwrap(), None);
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

    // Simultaneous callers asking for a sync share one request: each joins the queued one or
    // creates it, never both create. The forced caller's request ends forced either way.
    let asked = |id: &str, force| SyncRequest {
        id: id.into(),
        account_id: owner(),
        force,
        state: SyncRequestState::Queued,
        requested_at: now + Duration::seconds(10),
    };
    let calls = ["c1", "c2", "c3", "c4", "c5", "c6"].map(|id| asked(id, id == "c4"));
    let joined = futures_util::future::join_all(
        calls
            .iter()
            .map(|call| store.join_or_create_sync_request(ada, call)),
    )
    .await
    .into_iter()
    .map(Result::unwrap)
    .collect::<Vec<_>>();
    let shared = joined[0].id.clone();
    assert!(
        joined.iter().all(|request| request.id == shared),
        "one request for every caller: {joined:?}"
    );
    let queued = store
        .deliver_sync_request(ada, Some(&owner()), now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(queued.id, shared);
    assert!(queued.force, "the forced caller's request is forced");
    assert!(
        store
            .deliver_sync_request(ada, Some(&owner()), now)
            .await
            .unwrap()
            .is_none(),
        "no second request was queued"
    );
    // A delivered request is still joined (its run is under way), and left as it is.
    let again = store
        .join_or_create_sync_request(ada, &asked("c7", true))
        .await
        .unwrap();
    assert_eq!(
        (again.id.as_str(), again.state),
        (shared.as_str(), SyncRequestState::Delivered)
    );
    assert!(store.get_sync_request(ada, "c7").await.unwrap().is_none());
    // Bob has no request to join: his is his own.
    let bobs = store
        .join_or_create_sync_request(bob, &asked("b1", false))
        .await
        .unwrap();
    assert_eq!((bobs.id.as_str(), bobs.force), ("b1", false));

    // API keys: found by hash, listed and revoked by their user only.
    let key = |name, hash| NewApiKey {
        user: ada,
        name,
        key_hash: hash,
        prefix: "ping_sk_abcd",
        created_at: now,
    };
    let first = store.create_api_key(&key("n8n", "h1")).await.unwrap();
    store.create_api_key(&key("zapier", "h2")).await.unwrap();
    assert!(matches!(
        store.create_api_key(&key("again", "h1")).await,
        Err(StoreError::Conflict(_))
    ));
    let found = store.find_api_key("h1").await.unwrap().unwrap();
    assert_eq!(
        (found.id, found.user, found.name.as_str()),
        (first, ada, "n8n")
    );
    assert_eq!(found.last_used_at, None);
    store
        .touch_api_key(first, now + Duration::minutes(1))
        .await
        .unwrap();
    let found = store.find_api_key("h1").await.unwrap().unwrap();
    assert_eq!(found.last_used_at, Some(now + Duration::minutes(1)));
    assert_eq!(store.list_api_keys(ada).await.unwrap().len(), 2);
    assert!(store.list_api_keys(bob).await.unwrap().is_empty());
    assert!(!store.revoke_api_key(bob, first, now).await.unwrap());
    assert!(store.revoke_api_key(ada, first, now).await.unwrap());
    assert!(
        !store.revoke_api_key(ada, first, now).await.unwrap(),
        "once"
    );
    let revoked = store.find_api_key("h1").await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(now));
    let live = store.list_api_keys(ada).await.unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].name, "zapier");
}

/// Makes the database refuse, the way it refuses what it cannot hold: messages whose body says
/// "poison", contacts named "Poison Pill" and contacts given the headline "Poison".
pub async fn plant_refusals(store: &SqlStore) {
    let statements: &[&str] = match store.dialect() {
        Dialect::Sqlite => &[
            "CREATE TRIGGER poison_messages BEFORE INSERT ON messages \
             WHEN NEW.body LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poisoned message'); END",
            "CREATE TRIGGER poison_contacts BEFORE INSERT ON contacts \
             WHEN NEW.display_name = 'Poison Pill' \
             BEGIN SELECT RAISE(ABORT, 'poisoned contact'); END",
            "CREATE TRIGGER poison_headlines BEFORE UPDATE ON contacts \
             WHEN NEW.headline = 'Poison' BEGIN SELECT RAISE(ABORT, 'poisoned headline'); END",
        ],
        Dialect::Postgres => &[
            "CREATE FUNCTION poison_message() RETURNS trigger AS $$ BEGIN \
             IF NEW.body LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned message' \
             USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE FUNCTION poison_contact() RETURNS trigger AS $$ BEGIN \
             IF NEW.display_name = 'Poison Pill' OR NEW.headline = 'Poison' THEN \
             RAISE EXCEPTION 'poisoned contact' USING ERRCODE = 'check_violation'; \
             END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER poison_messages BEFORE INSERT ON messages \
             FOR EACH ROW EXECUTE FUNCTION poison_message()",
            "CREATE TRIGGER poison_contacts BEFORE INSERT OR UPDATE ON contacts \
             FOR EACH ROW EXECUTE FUNCTION poison_contact()",
        ],
    };
    for statement in statements {
        sqlx::raw_sql(statement)
            .execute(store.pool())
            .await
            .unwrap();
    }
}

/// Every record is accepted or refused on its own: NUL characters (which PostgreSQL cannot
/// hold) leave at ingest, and a record the database refuses is left out and reported alone,
/// with the records that hang on it, while the rest of the push is stored.
async fn refusals(store: &SqlStore) {
    let now = start_time();
    let ada = store
        .create_user("ada@example.com", "hash", now)
        .await
        .unwrap();

    let mut nul = small_batch();
    nul.account.first_name = "A\0da".into();
    nul.conversations[0].title = Some("Tues\0day".into());
    nul.conversations[0].participants[1].display_name = "Zoe\0 Example".into();
    nul.messages[0].body = "Hello\0 Ada".into();
    let (batch, rejected) = prepare_batch(serde_json::from_value(to_json(&nul)).unwrap());
    assert!(rejected.is_empty());
    let counts = store.ingest_batch(ada, &batch, now).await.unwrap();
    assert_eq!((counts.messages.created, counts.refused.len()), (3, 0));
    let stored = &store.all_conversations(ada).await.unwrap()[0];
    assert_eq!(stored.title.as_deref(), Some("Tuesday"));
    assert_eq!(stored.participants[0].display_name, "Zoe Example");
    assert!(stored.messages.iter().any(|m| m.body == "Hello Ada"));

    plant_refusals(store).await;
    let t = now + Duration::hours(1);
    let (zoe, pill) = (member(1), member(7));
    let mut poisoned = crate::fixtures::batch(
        vec![
            conversation("2-zoe", &[(&zoe, "Zoe")], t),
            conversation("2-pill", &[(&pill, "Pill")], t),
        ],
        vec![
            message("2-zoe", "2-p0", &zoe, "fine", t),
            message("2-zoe", "2-p1", &zoe, "this is poison", t),
            message("2-pill", "2-p2", &pill, "hi", t),
            message("2-zoe", "2-p3", &owner(), "also fine", t),
        ],
    );
    poisoned.conversations[1].participants[1].display_name = "Poison Pill".into();
    let (batch, _) = prepare_batch(serde_json::from_value(to_json(&poisoned)).unwrap());
    let counts = store.ingest_batch(ada, &batch, t).await.unwrap();
    let refused: Vec<_> = counts
        .refused
        .iter()
        .map(|r| (r.kind, r.index, r.reason.contains("refused")))
        .collect();
    assert_eq!(
        refused,
        [
            (RecordKind::Conversation, 1, true),
            (RecordKind::Message, 1, true),
            (RecordKind::Message, 2, true),
        ],
        "{:?}",
        counts.refused
    );
    assert!(
        counts.refused[2]
            .reason
            .contains("its conversation was refused")
    );
    assert_eq!(counts.messages.created, 2, "the rest is stored");
    let conversations = store.all_conversations(ada).await.unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].messages.len(), 5);
    assert!(
        store
            .find_contact_by_urn(ada, &pill.to_string())
            .await
            .unwrap()
            .is_none()
    );

    // Profiles too: one the database refuses, one it takes.
    let mut bad = profile(Some(&zoe), Some("zoe-example"));
    bad.headline = Some("Poison".into());
    let mut good = profile(Some(&zoe), Some("zoe-example"));
    good.title = Some("CEO".into());
    let (profiles, _) =
        prepare_profiles(serde_json::from_value(profiles_push(vec![bad, good])).unwrap());
    let counts = store.apply_profiles(ada, &profiles, t).await.unwrap();
    assert_eq!(counts.profiles.updated, 1);
    assert_eq!(counts.refused.len(), 1);
    assert_eq!(
        (counts.refused[0].kind, counts.refused[0].index),
        (RecordKind::Profile, 0)
    );
}

#[tokio::test]
async fn the_sqlite_store_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("contract.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    contract(&store).await;
    store.close().await;
}

#[tokio::test]
async fn the_sqlite_store_refuses_records_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("refusals.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    refusals(&store).await;
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
pub mod postgres {
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
    pub async fn scratch_store() -> Option<(SqlStore, sqlx::AnyPool, String)> {
        let (url, admin, schema) = scratch_schema().await?;
        let store = SqlStore::connect(&url).await.unwrap();
        Some((store, admin, schema))
    }

    /// A fresh, empty schema on the test server: the URL that works in it, the admin pool and
    /// the schema's name; `None` (skip) when there is no server.
    pub async fn scratch_schema() -> Option<(String, sqlx::AnyPool, String)> {
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
        Some((url, admin, schema))
    }

    pub async fn drop_schema(store: SqlStore, admin: sqlx::AnyPool, schema: String) {
        store.close().await;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&admin)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn the_postgres_store_keeps_the_contract() {
        let Some((store, admin, schema)) = scratch_store().await else {
            return;
        };
        contract(&store).await;
        drop_schema(store, admin, schema).await;
    }

    #[tokio::test]
    async fn the_postgres_store_refuses_records_one_by_one() {
        let Some((store, admin, schema)) = scratch_store().await else {
            return;
        };
        refusals(&store).await;
        drop_schema(store, admin, schema).await;
    }

    /// A refusal of PostgreSQL's own: a body whose full-text vector passes its 1 MiB limit.
    #[tokio::test]
    async fn a_message_too_big_for_the_search_index_is_refused_alone() {
        let Some((store, admin, schema)) = scratch_store().await else {
            return;
        };
        let now = start_time();
        let ada = store
            .create_user("ada@example.com", "hash", now)
            .await
            .unwrap();
        let mut batch = small_batch();
        batch.messages[1].body = (0..200_000).map(|n| format!("w{n} ")).collect();
        let (batch, _) = prepare_batch(serde_json::from_value(to_json(&batch)).unwrap());
        let counts = store.ingest_batch(ada, &batch, now).await.unwrap();
        assert_eq!(counts.messages.created, 2);
        assert_eq!(counts.refused.len(), 1, "{:?}", counts.refused);
        assert_eq!(
            (counts.refused[0].kind, counts.refused[0].index),
            (RecordKind::Message, 1)
        );
        assert!(
            counts.refused[0].reason.contains("tsvector"),
            "{}",
            counts.refused[0].reason
        );
        drop_schema(store, admin, schema).await;
    }
}
