//! Push ingest throughput: messages per second for batches of 500, through the real push route
//! (JSON, per-record parsing, one transaction per batch), beside the same rows inserted with
//! plain prepared statements in one transaction, and the ratio of the two rates (push/plain:
//! 1.0 is as fast as plain inserts). SQLite always; PostgreSQL when reachable
//! (`TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/test`), in a scratch schema.
//!
//! Run: `cargo bench -p ping-backend --bench ingest` (`PING_BENCH_BATCHES` sets the count, 10).

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use ping_backend::clock::SystemClock;
use ping_backend::ids::UserId;
use ping_backend::secrets::sha256_hex;
use ping_backend::settings::Settings;
use ping_backend::store::sql::SqlStore;
use ping_backend::store::{
    CodeDirection, NewToken, PairingCodeRecord, PairingStore as _, UserStore as _,
};
use ping_backend::{AppConfig, AppState, app};
use ping_core::ids::{ConversationUrn, MessageUrn, ProfileUrn};
use ping_core::model::*;
use ping_protocol::PushBatch;
use tower::ServiceExt as _;

const BATCH: usize = 500;
const PER_CONVERSATION: usize = 50;

fn urn(raw: &str) -> ProfileUrn {
    ProfileUrn::parse(raw).unwrap_or_else(|error| panic!("{error}"))
}

fn owner() -> ProfileUrn {
    urn("urn:li:fsd_profile:ACoAAOwnerBench000000000000000000000000")
}

fn participant(id: &ProfileUrn, name: &str) -> Participant {
    Participant {
        id: ParticipantId::Member(id.clone()),
        is_self: *id == owner(),
        first_name: Some(name.to_owned()),
        last_name: Some("Bench".to_owned()),
        display_name: format!("{name} Bench"),
        headline: None,
        profile_url: None,
        distance: None,
        picture: None,
    }
}

/// Batch `n`: 10 conversations of 50 messages, every URN new.
fn batch(n: usize, now: DateTime<Utc>) -> PushBatch {
    let mut conversations = Vec::new();
    let mut messages = Vec::new();
    for c in 0..BATCH / PER_CONVERSATION {
        let peer = urn(&format!(
            "urn:li:fsd_profile:ACoAAPeer{n:08}{c:08}bench00000000"
        ));
        let thread = format!("2-b{n}c{c}");
        let conversation = ConversationUrn::new(owner(), &thread).unwrap_or_else(|e| panic!("{e}"));
        conversations.push(Conversation {
            urn: conversation.clone(),
            backend_urn: None,
            kind: ConversationKind::Regular,
            group_chat: false,
            title: None,
            categories: vec!["INBOX".to_owned()],
            state: None,
            read: true,
            unread_count: 0,
            created_at: None,
            last_activity_at: now,
            participants: vec![participant(&owner(), "Ada"), participant(&peer, "Peer")],
        });
        for m in 0..PER_CONVERSATION {
            let sender = if m % 2 == 0 { peer.clone() } else { owner() };
            messages.push(Message {
                urn: MessageUrn::new(owner(), &format!("2-b{n}c{c}m{m}"))
                    .unwrap_or_else(|e| panic!("{e}")),
                conversation: conversation.clone(),
                sender: Some(ParticipantId::Member(sender)),
                delivered_at: now - Duration::minutes((PER_CONVERSATION - m) as i64),
                subject: None,
                body: format!(
                    "Message {m} of conversation {c} in batch {n}: shall we talk on Tuesday?"
                ),
                state: MessageState::Normal,
                attachments: vec![],
                reactions: vec![],
            });
        }
    }
    PushBatch {
        run_id: "bench".to_owned(),
        account: Account {
            profile: owner(),
            first_name: "Ada".to_owned(),
            last_name: "Bench".to_owned(),
            headline: None,
            public_identifier: None,
        },
        conversations,
        messages,
        deleted_conversations: vec![],
        history_pending: vec![],
        history_complete: vec![],
    }
}

/// A user with an extension token, made directly in the store.
async fn user_with_token(store: &SqlStore, email: &str) -> (UserId, String) {
    let now = Utc::now();
    let user = store
        .create_user(email, "x", now)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let code = format!("PING-{}", &sha256_hex(email)[..6]);
    let record = PairingCodeRecord {
        code: code.clone(),
        direction: CodeDirection::FromWeb,
        user: Some(user),
        client_name: "bench".to_owned(),
        poll_secret_hash: None,
        created_at: now,
        expires_at: now + Duration::minutes(10),
        paired_at: None,
        consumed_at: None,
    };
    store
        .insert_pairing_code(&record)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let token = format!("bench-token-{email}");
    let new = NewToken {
        user,
        token_hash: sha256_hex(&token),
        client_name: "bench".to_owned(),
        created_at: now,
        expires_at: now + Duration::days(30),
    };
    store
        .redeem_code(&code, &new)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (user, token)
}

async fn push_through_the_api(store: Arc<SqlStore>, batches: usize) -> StdDuration {
    let (_, token) = user_with_token(&store, "push@bench").await;
    let state = AppState::new(
        store,
        Arc::new(SystemClock::default()),
        AppConfig::from_settings(&Settings::defaults()),
    );
    let router = app(state);
    let now = Utc::now();
    let bodies: Vec<String> = (0..batches)
        .map(|n| serde_json::to_string(&batch(n, now)).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let started = Instant::now();
    for body in bodies {
        let request = Request::post("/api/v1/sync/push")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap_or_else(|e| panic!("{e}"));
        let response = router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        assert_eq!(response.status(), StatusCode::OK);
    }
    started.elapsed()
}

/// The baseline: the same rows, plain prepared INSERTs, one transaction per batch.
async fn plain_inserts(store: &SqlStore, batches: usize) -> StdDuration {
    let (user, _) = user_with_token(store, "plain@bench").await;
    let pool = store.pool();
    let now = Utc::now();
    let prepared: Vec<PushBatch> = (0..batches).map(|n| batch(n, now)).collect();
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let started = Instant::now();
    let account: i64 = {
        let row = sqlx::query(
            "INSERT INTO linkedin_accounts (user_id, profile_urn, name, updated_at) \
             VALUES ($1, $2, 'Ada', $3) RETURNING id",
        )
        .bind(user.0)
        .bind(owner().to_string())
        .bind(ms(now))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        sqlx::Row::try_get(&row, "id").unwrap_or_else(|e| panic!("{e}"))
    };
    for batch in prepared {
        let mut tx = pool.begin().await.unwrap_or_else(|e| panic!("{e}"));
        let mut ids = std::collections::HashMap::new();
        for conversation in &batch.conversations {
            let row = sqlx::query(
                "INSERT INTO conversations (user_id, account_id, urn, kind, group_chat, \
                 record_json, fingerprint, last_activity_at, updated_at) \
                 VALUES ($1, $2, $3, 'regular', 0, '{}', '', $4, $4) RETURNING id",
            )
            .bind(user.0)
            .bind(account)
            .bind(conversation.urn.to_string())
            .bind(ms(conversation.last_activity_at))
            .fetch_one(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            let id: i64 = sqlx::Row::try_get(&row, "id").unwrap_or_else(|e| panic!("{e}"));
            ids.insert(conversation.urn.to_string(), id);
        }
        for message in &batch.messages {
            sqlx::query(
                "INSERT INTO messages (user_id, conversation_id, urn, direction, delivered_at, \
                 body, state, extras_json, fingerprint, updated_at) \
                 VALUES ($1, $2, $3, 'inbound', $4, $5, 'normal', '{}', '', $6)",
            )
            .bind(user.0)
            .bind(ids[&message.conversation.to_string()])
            .bind(message.urn.to_string())
            .bind(ms(message.delivered_at))
            .bind(message.body.clone())
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        }
        tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    }
    started.elapsed()
}

fn rate(batches: usize, elapsed: StdDuration) -> f64 {
    (batches * BATCH) as f64 / elapsed.as_secs_f64()
}

async fn measure(name: &str, store: Arc<SqlStore>, batches: usize) -> String {
    let push = push_through_the_api(store.clone(), batches).await;
    let plain = plain_inserts(&store, batches).await;
    let (push_rate, plain_rate) = (rate(batches, push), rate(batches, plain));
    format!(
        "{name:<10} {:>8} {:>14.0} {:>15.0} {:>10.2}\n",
        batches * BATCH,
        push_rate,
        plain_rate,
        push_rate / plain_rate
    )
}

async fn postgres(batches: usize) -> String {
    if !cfg!(feature = "postgres") {
        return "postgres   skipped: build with --features postgres\n".to_owned();
    }
    let base = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    sqlx::any::install_default_drivers();
    let admin = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(StdDuration::from_secs(3))
        .connect(&base)
        .await;
    let Ok(admin) = admin else {
        return format!("postgres   skipped: no server at {base}\n");
    };
    let schema = format!("ping_bench_{}", &sha256_hex(Utc::now().to_rfc3339())[..10]);
    let create = format!("CREATE SCHEMA {schema}");
    if let Err(error) = sqlx::query(&create).execute(&admin).await {
        return format!("postgres   skipped: {error}\n");
    }
    let separator = if base.contains('?') { '&' } else { '?' };
    let line =
        match SqlStore::connect(&format!("{base}{separator}options[search_path]={schema}")).await {
            Ok(store) => {
                let store = Arc::new(store);
                let line = measure("postgres", store.clone(), batches).await;
                store.close().await;
                line
            }
            Err(error) => format!("postgres   skipped: {error}\n"),
        };
    let drop = format!("DROP SCHEMA {schema} CASCADE");
    let _ = sqlx::query(&drop).execute(&admin).await;
    line
}

#[tokio::main]
async fn main() {
    let batches = std::env::var("PING_BENCH_BATCHES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let sqlite = Arc::new(
        SqlStore::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let mut table = format!(
        "push ingest, batches of {BATCH} messages ({PER_CONVERSATION} per conversation)\n\
         {:<10} {:>8} {:>14} {:>15} {:>10}\n",
        "store", "messages", "push msg/s", "plain msg/s", "push/plain"
    );
    table.push_str(&measure("sqlite", sqlite, batches).await);
    table.push_str(&postgres(batches).await);
    let _ = std::io::stdout().lock().write_all(table.as_bytes());
}
