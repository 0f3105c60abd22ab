//! The web UI at scale: 10,000 contacts, 300,000 messages, a 5,000-person group. Reports each
//! page's p50/p95 (through the real router, one page at a time), and the latency of a small
//! push alone beside the same push while 4 page loads run without pause. SQLite always;
//! PostgreSQL when reachable (`TEST_DATABASE_URL`, else
//! `postgres://postgres@127.0.0.1:5432/test`), in a scratch schema.
//!
//! Run: `cargo bench -p ping-backend --features postgres --bench pages`
//! (`PING_BENCH_ROUNDS` sets the loads per page, 40).

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration as StdDuration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use ping_backend::clock::SystemClock;
use ping_backend::ids::UserId;
use ping_backend::secrets::sha256_hex;
use ping_backend::settings::Settings;
use ping_backend::store::sql::SqlStore;
use ping_backend::store::{
    CodeDirection, NewSession, NewToken, PairingCodeRecord, PairingStore as _, UserStore as _,
};
use ping_backend::{AppConfig, AppState, app};
use ping_core::ids::{ConversationUrn, MessageUrn, ProfileUrn};
use ping_core::model::*;
use ping_protocol::PushBatch;
use sqlx::Row as _;
use tower::ServiceExt as _;

const CONTACTS: i64 = 10_000;
const PER_CHAT: i64 = 25;
const GROUP: i64 = 5_000;
const GROUP_MESSAGES: i64 = 50_000;
const SESSION: &str = "bench-session";

fn fail<E: std::fmt::Display>(error: E) -> String {
    format!("{error}")
}

fn urn(raw: &str) -> ProfileUrn {
    ProfileUrn::parse(raw).unwrap_or_else(|e| panic!("{e}"))
}

fn owner() -> ProfileUrn {
    urn("urn:li:fsd_profile:ACoAAOwnerPages000000000000000000000000")
}

fn person(id: &ProfileUrn, name: &str) -> Participant {
    Participant {
        id: ParticipantId::Member(id.clone()),
        is_self: *id == owner(),
        first_name: Some(name.to_owned()),
        last_name: None,
        display_name: name.to_owned(),
        headline: None,
        profile_url: None,
        distance: None,
        picture: None,
    }
}

/// Push `n`: one new conversation of 10 messages, the size of an incremental sync.
fn small_push(n: usize, now: DateTime<Utc>) -> String {
    let peer = urn(&format!(
        "urn:li:fsd_profile:ACoAAPush{n:08}pages000000000000"
    ));
    let thread =
        ConversationUrn::new(owner(), &format!("2-push{n}")).unwrap_or_else(|e| panic!("{e}"));
    let messages = (0..10)
        .map(|m| Message {
            urn: MessageUrn::new(owner(), &format!("2-push{n}m{m}"))
                .unwrap_or_else(|e| panic!("{e}")),
            conversation: thread.clone(),
            sender: Some(ParticipantId::Member(if m % 2 == 0 {
                peer.clone()
            } else {
                owner()
            })),
            delivered_at: now - Duration::seconds(10 - m),
            subject: None,
            body: format!("Push {n}, message {m}: see you at the conference"),
            state: MessageState::Normal,
            attachments: vec![],
            reactions: vec![],
        })
        .collect();
    let batch: PushBatch = PushBatch {
        run_id: "pages-bench".to_owned(),
        account: Account {
            profile: owner(),
            first_name: "Ada".to_owned(),
            last_name: "Bench".to_owned(),
            headline: None,
            public_identifier: None,
        },
        conversations: vec![Conversation {
            urn: thread,
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
            participants: vec![person(&owner(), "Ada Bench"), person(&peer, "Pushed Peer")],
        }],
        messages,
        deleted_conversations: vec![],
        history_pending: vec![],
        history_complete: vec![],
    };
    serde_json::to_string(&batch).unwrap_or_else(|e| panic!("{e}"))
}

/// The dataset, written with set-based SQL both dialects read: contact `i` has a one-to-one
/// conversation of 25 messages (contact and conversation share the key `p{i}`), and the first
/// 5,000 contacts are in one group of 50,000 messages. One message in 25 says "quarterly".
async fn seed(store: &SqlStore, user: UserId, now: i64) -> Result<(), String> {
    let pool = store.pool();
    let account: i64 = sqlx::query(
        "INSERT INTO linkedin_accounts (user_id, profile_urn, name, updated_at) \
         VALUES ($1, $2, 'Ada Bench', $3) RETURNING id",
    )
    .bind(user.0)
    .bind(owner().to_string())
    .bind(now)
    .fetch_one(pool)
    .await
    .map_err(fail)?
    .try_get("id")
    .map_err(fail)?;
    let numbers = |last: i64| {
        format!("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) ")
    };
    let statements = [
        format!(
            "{}INSERT INTO contacts (user_id, kind, urn, public_identifier, display_name, title, \
             company, created_at, updated_at) \
             SELECT $1, 'person', 'urn:li:fsd_profile:bench' || i, 'p' || i, 'Person ' || i, \
             'Engineer', 'Acme', $2, $2 FROM n",
            numbers(CONTACTS - 1)
        ),
        "INSERT INTO conversations (user_id, account_id, urn, kind, group_chat, record_json, \
         fingerprint, last_activity_at, updated_at) \
         SELECT user_id, $3, 'urn:li:msg_conversation:bench' || public_identifier, 'regular', 0, \
         '{}', public_identifier, \
         $2 - CAST(substr(public_identifier, 2) AS INTEGER) * 60000, $2 \
         FROM contacts WHERE user_id = $1"
            .to_owned(),
        "INSERT INTO conversations (user_id, account_id, urn, kind, group_chat, title, \
         record_json, fingerprint, last_activity_at, updated_at) \
         VALUES ($1, $3, 'bench-group', 'regular', 1, 'All hands', '{}', 'group', $2, $2)"
            .to_owned(),
        "INSERT INTO conversation_participants (conversation_id, contact_id) \
         SELECT v.id, c.id FROM conversations v JOIN contacts c \
         ON c.user_id = v.user_id AND c.public_identifier = v.fingerprint WHERE v.user_id = $1"
            .to_owned(),
        format!(
            "INSERT INTO conversation_participants (conversation_id, contact_id) \
             SELECT v.id, c.id FROM conversations v JOIN contacts c ON c.user_id = v.user_id \
             WHERE v.user_id = $1 AND v.urn = 'bench-group' \
             AND CAST(substr(c.public_identifier, 2) AS INTEGER) < {GROUP}"
        ),
        format!(
            "{}INSERT INTO messages (user_id, conversation_id, urn, sender_urn, \
             sender_contact_id, direction, delivered_at, body, state, extras_json, fingerprint, \
             updated_at) \
             SELECT $1, v.id, v.fingerprint || 'm' || n.i, c.urn, \
             CASE WHEN n.i % 2 = 0 THEN c.id END, \
             CASE WHEN n.i % 2 = 0 THEN 'inbound' ELSE 'outbound' END, \
             v.last_activity_at - n.i * 3600000, \
             'Message ' || n.i || ' with ' || c.display_name || \
             CASE WHEN n.i = 7 THEN ': the quarterly numbers are in' ELSE ': lunch on Friday?' END, \
             'normal', '{{}}', '', $2 \
             FROM conversations v JOIN contacts c \
             ON c.user_id = v.user_id AND c.public_identifier = v.fingerprint CROSS JOIN n \
             WHERE v.user_id = $1",
            numbers(PER_CHAT - 1)
        ),
        format!(
            "{}INSERT INTO messages (user_id, conversation_id, urn, sender_urn, \
             sender_contact_id, direction, delivered_at, body, state, extras_json, fingerprint, \
             updated_at) \
             SELECT $1, v.id, 'g' || n.i, c.urn, c.id, 'inbound', $2 - n.i * 30000, \
             'Group note ' || n.i || ' from ' || c.display_name || \
             CASE WHEN n.i % 25 = 3 THEN ': quarterly planning' ELSE ': thanks all' END, \
             'normal', '{{}}', '', $2 \
             FROM n JOIN contacts c ON c.user_id = $1 AND c.public_identifier = 'p' || (n.i % {GROUP}) \
             JOIN conversations v ON v.user_id = $1 AND v.urn = 'bench-group'",
            numbers(GROUP_MESSAGES - 1)
        ),
    ];
    for statement in &statements {
        let mut query = sqlx::query(statement).bind(user.0);
        if statement.contains("$2") {
            query = query.bind(now);
        }
        if statement.contains("$3") {
            query = query.bind(account);
        }
        query.execute(pool).await.map_err(fail)?;
    }
    Ok(())
}

/// A user with a web session and an extension token, made directly in the store.
async fn user(store: &SqlStore) -> Result<(UserId, String), String> {
    let now = Utc::now();
    let user = store
        .create_user("pages@bench", "x", now)
        .await
        .map_err(fail)?;
    store
        .create_session(&NewSession {
            id_hash: sha256_hex(SESSION),
            user,
            csrf_token: "csrf".to_owned(),
            created_at: now,
            expires_at: now + Duration::days(1),
        })
        .await
        .map_err(fail)?;
    let code = "PING-PAGES1".to_owned();
    store
        .insert_pairing_code(&PairingCodeRecord {
            code: code.clone(),
            direction: CodeDirection::FromWeb,
            user: Some(user),
            client_name: "bench".to_owned(),
            poll_secret_hash: None,
            created_at: now,
            expires_at: now + Duration::minutes(10),
            paired_at: None,
            consumed_at: None,
        })
        .await
        .map_err(fail)?;
    let token = "bench-token-pages".to_owned();
    let new = NewToken {
        user,
        token_hash: sha256_hex(&token),
        client_name: "bench".to_owned(),
        created_at: now,
        expires_at: now + Duration::days(30),
    };
    store.redeem_code(&code, &new).await.map_err(fail)?;
    Ok((user, token))
}

async fn load(router: &Router, path: &str) -> Result<String, String> {
    let request = Request::get(path)
        .header(header::COOKIE, format!("ping_session={SESSION}"))
        .body(Body::empty())
        .map_err(fail)?;
    let response = router.clone().oneshot(request).await.map_err(fail)?;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(fail)?;
    let body = String::from_utf8_lossy(&body).into_owned();
    if status != StatusCode::OK {
        return Err(format!("{path}: {status}"));
    }
    Ok(body)
}

async fn push(router: &Router, token: &str, body: String) -> Result<StdDuration, String> {
    let request = Request::post("/api/v1/sync/push")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .map_err(fail)?;
    let started = Instant::now();
    let response = router.clone().oneshot(request).await.map_err(fail)?;
    let elapsed = started.elapsed();
    if response.status() != StatusCode::OK {
        return Err(format!("push: {}", response.status()));
    }
    Ok(elapsed)
}

/// The id of the user's row of `table` that `condition` picks.
async fn id_of(
    store: &SqlStore,
    user: UserId,
    table: &str,
    condition: &str,
) -> Result<i64, String> {
    sqlx::query(&format!(
        "SELECT id FROM {table} WHERE user_id = $1 AND {condition}"
    ))
    .bind(user.0)
    .fetch_one(store.pool())
    .await
    .map_err(fail)?
    .try_get("id")
    .map_err(fail)
}

/// The "Older" link of a page.
fn older(html: &str) -> Option<String> {
    html.split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
}

fn percentiles(mut times: Vec<StdDuration>) -> (f64, f64) {
    times.sort();
    let at = |q: f64| {
        let index = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
        times[index].as_secs_f64() * 1000.0
    };
    (at(0.50), at(0.95))
}

async fn measure(name: &str, store: Arc<SqlStore>, rounds: usize) -> Result<String, String> {
    let (user, token) = user(&store).await?;
    let now = Utc::now();
    let started = Instant::now();
    seed(&store, user, now.timestamp_millis()).await?;
    if store.dialect() == ping_backend::store::sql::Dialect::Postgres {
        sqlx::query("ANALYZE")
            .execute(store.pool())
            .await
            .map_err(fail)?;
    }
    let seeded = started.elapsed();
    let contact = id_of(&store, user, "contacts", "public_identifier = 'p0'").await?;
    let group = id_of(&store, user, "conversations", "urn = 'bench-group'").await?;
    let state = AppState::new(
        store.clone(),
        Arc::new(SystemClock::default()),
        AppConfig::from_settings(&Settings::defaults()),
    );
    let router = app(state);
    let first = load(&router, "/contacts").await?;
    let contacts_older = older(&first).ok_or("no Older link on /contacts")?;
    let group_page = load(&router, &format!("/conversations/{group}")).await?;
    let group_older = older(&group_page).ok_or("no Older link on the group")?;
    let pages = vec![
        ("contacts list".to_owned(), "/contacts".to_owned()),
        ("contacts list, page 2".to_owned(), contacts_older),
        (
            "contact in the group".to_owned(),
            format!("/contacts/{contact}"),
        ),
        (
            "5,000-person conversation".to_owned(),
            format!("/conversations/{group}"),
        ),
        ("5,000-person conversation, page 2".to_owned(), group_older),
        (
            "search \"quarterly\"".to_owned(),
            "/search?q=quarterly".to_owned(),
        ),
    ];
    let mut table = format!(
        "\n{name}: {CONTACTS} contacts, {} messages, a {GROUP}-person group (seeded in {:.1} s)\n\n\
         | page | bytes | p50 ms | p95 ms |\n|---|---|---|---|\n",
        CONTACTS * PER_CHAT + GROUP_MESSAGES,
        seeded.as_secs_f64()
    );
    for (label, path) in &pages {
        let mut times = Vec::with_capacity(rounds);
        let mut bytes = 0;
        for _ in 0..rounds {
            let started = Instant::now();
            bytes = load(&router, path).await?.len();
            times.push(started.elapsed());
        }
        let (p50, p95) = percentiles(times);
        table.push_str(&format!("| {label} | {bytes} | {p50:.1} | {p95:.1} |\n"));
    }

    // Pushes alone, then the same pushes while 4 clients load pages without pause.
    let mut alone = Vec::with_capacity(rounds);
    for n in 0..rounds {
        alone.push(push(&router, &token, small_push(n, Utc::now())).await?);
    }
    let running = Arc::new(AtomicBool::new(true));
    let mut loaders = Vec::new();
    for client in 0..4 {
        let (router, running) = (router.clone(), running.clone());
        let paths: Vec<String> = pages.iter().map(|(_, path)| path.clone()).collect();
        loaders.push(tokio::spawn(async move {
            let mut loaded = 0usize;
            while running.load(Ordering::Relaxed) {
                load(&router, &paths[(client + loaded) % paths.len()]).await?;
                loaded += 1;
            }
            Ok::<usize, String>(loaded)
        }));
    }
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    let mut loaded = Vec::with_capacity(rounds);
    let under_load = Instant::now();
    for n in 0..rounds {
        loaded.push(push(&router, &token, small_push(rounds + n, Utc::now())).await?);
    }
    let window = under_load.elapsed();
    running.store(false, Ordering::Relaxed);
    let mut page_loads = 0;
    for loader in loaders {
        page_loads += loader.await.map_err(fail)??;
    }
    let (a50, a95) = percentiles(alone);
    let (l50, l95) = percentiles(loaded);
    table.push_str(&format!(
        "\n| push of 10 messages | p50 ms | p95 ms |\n|---|---|---|\n\
         | alone | {a50:.1} | {a95:.1} |\n\
         | under 4 concurrent page loads ({page_loads} pages in {:.1} s) | {l50:.1} | {l95:.1} |\n",
        window.as_secs_f64()
    ));
    Ok(table)
}

async fn postgres(rounds: usize) -> String {
    if !cfg!(feature = "postgres") {
        return "\npostgres: skipped, build with --features postgres\n".to_owned();
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
        return format!("\npostgres: skipped, no server at {base}\n");
    };
    let schema = format!("ping_pages_{}", &sha256_hex(Utc::now().to_rfc3339())[..10]);
    let create = format!("CREATE SCHEMA {schema}");
    if let Err(error) = sqlx::query(&create).execute(&admin).await {
        return format!("\npostgres: skipped, {error}\n");
    }
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options[search_path]={schema}");
    let table = match SqlStore::connect(&url).await {
        Ok(store) => {
            let store = Arc::new(store);
            let table = measure("postgres", store.clone(), rounds)
                .await
                .unwrap_or_else(|error| format!("\npostgres: failed, {error}\n"));
            store.close().await;
            table
        }
        Err(error) => format!("\npostgres: skipped, {error}\n"),
    };
    let drop = format!("DROP SCHEMA {schema} CASCADE");
    let _ = sqlx::query(&drop).execute(&admin).await;
    table
}

#[tokio::main]
async fn main() {
    let rounds = std::env::var("PING_BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("sqlite://{}", dir.path().join("pages.db").display());
    let sqlite = Arc::new(
        SqlStore::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let mut out = measure("sqlite", sqlite.clone(), rounds)
        .await
        .unwrap_or_else(|error| format!("\nsqlite: failed, {error}\n"));
    sqlite.close().await;
    if std::env::var("PING_BENCH_SQLITE_ONLY").is_err() {
        out.push_str(&postgres(rounds).await);
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}
