//! A push is written in one go, a few statements per list, and written again record by record
//! when the database refuses part of it. Both ways must store and count the same. The same
//! pushes go to a store that takes everything and to one that refuses a poisoned message added
//! to each push, which sends every push of the second store down the record-by-record path;
//! then every row the pushes wrote is compared, in the order they were written.

use chrono::Duration;
use ping_backend::ids::UserId;
use ping_backend::ingest::prepare_batch;
use ping_backend::store::sql::SqlStore;
use ping_backend::store::{IngestCounts, IngestStore as _, UserStore as _};
use ping_core::model::{Message, MessageState};
use ping_protocol::{PushBatch, RecordKind};
use sqlx::Row as _;

use crate::fixtures::*;
use crate::helpers::start_time;
use crate::store_contract::plant_refusals;

/// Every row a push writes, ids replaced by what they point at, in the order of the ids.
const ROWS: [&str; 5] = [
    "SELECT kind, urn, public_identifier, first_name, last_name, display_name, headline, title, \
     company, location, profile_url, avatar_url, avatar_asset_id, avatar_state, \
     CAST(user_edited AS TEXT), CAST(created_at AS TEXT), CAST(updated_at AS TEXT) \
     FROM contacts WHERE user_id = $1 ORDER BY id",
    "SELECT urn, kind, CAST(group_chat AS TEXT), title, folder, record_json, fingerprint, \
     CAST(last_activity_at AS TEXT), CAST(deleted_at AS TEXT), thread_id, \
     CAST(updated_at AS TEXT) FROM conversations WHERE user_id = $1 ORDER BY id",
    "SELECT v.urn, c.urn FROM conversation_participants p \
     JOIN conversations v ON v.id = p.conversation_id JOIN contacts c ON c.id = p.contact_id \
     WHERE v.user_id = $1 ORDER BY v.urn, c.urn",
    "SELECT m.urn, v.urn, m.sender_urn, c.urn, m.direction, CAST(m.delivered_at AS TEXT), \
     m.subject, m.body, m.state, m.extras_json, m.fingerprint, CAST(m.updated_at AS TEXT) \
     FROM messages m JOIN conversations v ON v.id = m.conversation_id \
     LEFT JOIN contacts c ON c.id = m.sender_contact_id WHERE m.user_id = $1 ORDER BY m.id",
    "SELECT c.urn, j.url, j.state FROM avatar_jobs j JOIN contacts c ON c.id = j.contact_id \
     WHERE j.user_id = $1 ORDER BY j.id",
];

async fn rows(store: &SqlStore, user: UserId) -> Vec<Vec<Option<String>>> {
    let mut all = Vec::new();
    for select in ROWS {
        for row in sqlx::query(select)
            .bind(user.0)
            .fetch_all(store.pool())
            .await
            .unwrap()
        {
            all.push((0..row.len()).map(|i| row.try_get(i).unwrap()).collect());
        }
    }
    all
}

/// Four pushes that meet every case of the one-go path: chunks of every size, a message and
/// a conversation pushed twice in one batch, a message whose conversation is nowhere, stored
/// copies unchanged and changed, a recall and an older copy after it, conversations and
/// senders stored by an earlier push only, a new member with a picture, a deleted conversation
/// and its return.
fn pushes() -> Vec<PushBatch> {
    let t = start_time();
    let (zoe, max, ian) = (member(1), member(2), member(3));
    let zoe_1to1 = || conversation("2-zoe", &[(&zoe, "Zoe")], t);
    let group = || conversation("2-group", &[(&zoe, "Zoe"), (&max, "Max")], t);
    let numbered = |n: i64| {
        let (thread, sender) = match n % 4 {
            0 => ("2-group", &max),
            1 => ("2-zoe", &zoe),
            _ => ("2-zoe", &owner()),
        };
        let at = t - Duration::minutes(400 - n);
        message(
            thread,
            &format!("2-m{n}"),
            sender,
            &format!("Message {n}"),
            at,
        )
    };

    let mut messages: Vec<Message> = (0..300).map(numbered).collect();
    let mut edited = numbered(7);
    edited.body = "Message 7, edited".into();
    edited.state = MessageState::Edited;
    messages.extend([edited, numbered(8)]);
    messages.push(message("2-nowhere", "2-orphan", &zoe, "Lost", t));
    let first = batch(vec![zoe_1to1(), group()], messages);

    let mut with_picture = conversation("2-ian", &[(&ian, "Ian")], t);
    with_picture.participants[1].picture = Some(picture("https://media.licdn.com/i", "asset-i"));
    let mut messages: Vec<Message> = (0..50).map(numbered).collect();
    messages[10].body = "Message 10, edited".into();
    messages[11].state = MessageState::Recalled;
    messages[11].body = String::new();
    messages.push(message("2-zoe", "2-late", &zoe, "Late one", t));
    messages.extend((0..20).map(|n| {
        let sender = if n % 2 == 0 { &ian } else { &owner() };
        message("2-ian", &format!("2-i{n}"), sender, "Hi Ian", t)
    }));
    let second = batch(vec![with_picture], messages);

    let mut renamed = group();
    renamed.title = Some("Renamed".into());
    let mut later = zoe_1to1();
    later.last_activity_at = t + Duration::hours(1);
    let mut third = batch(
        vec![group(), renamed, later],
        vec![numbered(11), message("2-group", "2-g", &zoe, "Group", t)],
    );
    third.deleted_conversations = vec![conversation_urn("2-ian")];

    let mut fourth = first.clone();
    fourth
        .conversations
        .push(conversation("2-ian", &[(&ian, "Ian")], t));
    vec![first, second, third, fourth]
}

/// What each push counted, and every row stored after it.
type Story = Vec<(IngestCounts, Vec<Vec<Option<String>>>)>;

/// Pushes the story; with `poison`, each push carries a message the database refuses.
async fn story(store: &SqlStore, poison: bool) -> Story {
    let t = start_time();
    let ada = store
        .create_user("ada@example.com", "hash", t)
        .await
        .unwrap();
    if poison {
        plant_refusals(store).await;
    }
    let mut all = Vec::new();
    for (n, mut push) in pushes().into_iter().enumerate() {
        if poison {
            let body = "this is poison";
            let poisoned = message("2-zoe", &format!("2-p{n}"), &member(1), body, t);
            push.messages.push(poisoned);
        }
        let (batch, rejected) = prepare_batch(serde_json::from_value(to_json(&push)).unwrap());
        assert!(rejected.is_empty(), "{rejected:?}");
        let now = t + Duration::minutes(n as i64);
        let mut counts = store.ingest_batch(ada, &batch, now).await.unwrap();
        if poison {
            let refused = counts.refused.pop().unwrap();
            assert_eq!(refused.kind, RecordKind::Message);
            assert_eq!(refused.index, push.messages.len() - 1);
        }
        all.push((counts, rows(store, ada).await));
    }
    all
}

async fn both_ways_store_the_same(one_go: &SqlStore, by_record: &SqlStore) {
    let one_go = story(one_go, false).await;
    let by_record = story(by_record, true).await;
    for (n, (written, expected)) in one_go.iter().zip(&by_record).enumerate() {
        assert_eq!(written.0, expected.0, "push {n}");
        assert!(written.1 == expected.1, "push {n} stored otherwise");
    }
    let counts: Vec<_> = one_go.into_iter().map(|(counts, _)| counts).collect();
    let created: Vec<_> = counts.iter().map(|c| c.messages.created).collect();
    assert_eq!(created, [300, 21, 1, 0], "{counts:?}");
    let updated: Vec<_> = counts.iter().map(|c| c.messages.updated).collect();
    assert_eq!(updated, [1, 3, 0, 2], "{counts:?}");
    assert_eq!(counts[2].conversations.updated, 2, "{counts:?}");
    assert_eq!(counts[0].orphaned_messages.len(), 1);
    assert!(by_record[3].1.len() > 320, "{}", by_record[3].1.len());
}

#[tokio::test]
async fn a_push_in_one_go_stores_what_record_by_record_stores_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let mut stores = Vec::new();
    for name in ["one-go", "by-record"] {
        let url = format!("sqlite://{}", dir.path().join(name).display());
        stores.push(SqlStore::connect(&url).await.unwrap());
    }
    both_ways_store_the_same(&stores[0], &stores[1]).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_push_in_one_go_stores_what_record_by_record_stores_on_postgres() {
    use crate::store_contract::postgres::{drop_schema, scratch_store};
    let (Some((one_go, admin, schema)), Some((by_record, admin2, schema2))) =
        (scratch_store().await, scratch_store().await)
    else {
        return;
    };
    both_ways_store_the_same(&one_go, &by_record).await;
    drop_schema(one_go, admin, schema).await;
    drop_schema(by_record, admin2, schema2).await;
}
