//! Data export import throughput: a generated LinkedIn export of 100,000 messages (2,000
//! conversations of 50, 1,000 connections) imported into a fresh SQLite store through
//! `import_linkedin_archive` (both passes, one transaction), beside the same rows inserted with
//! plain prepared statements in one transaction, then imported a second time (every row
//! matched, nothing written). Peak memory is the process's resident high-water mark during the
//! import (reset before it through /proc/self/clear_refs), beside the archive's size.
//!
//! Run: `cargo bench -p ping-backend --bench import` (`PING_BENCH_IMPORT_MESSAGES` sets the
//! count, 100000).

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use ping_backend::ids::UserId;
use ping_backend::import::{ImportOptions, ImportSummary, import_linkedin_archive};
use ping_backend::store::UserStore as _;
use ping_backend::store::sql::SqlStore;

const PER_CONVERSATION: usize = 50;
const PEOPLE: usize = 1_000;

const BODIES: &[&str] = &[
    "Thanks, talk Tuesday?",
    "Sounds good — I'll send the deck tonight. Let me know if the numbers look right to you.",
    "Merci beaucoup, à bientôt !",
    "Line one\nLine two\n\nA new paragraph after a blank line.",
    "Here is the agenda:\n1. Intro\n2. Demo\n3. Next steps",
    "Are you free for a quick call this week? I have Wednesday afternoon open &amp; Thursday too.",
    "<p class=\"spinmail-quill-editor__spin-break\">Hi %FIRSTNAME%,</p><p>We are hiring.</p>",
    "来週の打ち合わせ、よろしくお願いします。",
];

fn slug(person: usize) -> String {
    format!("bench-person-{person:05}")
}

fn url(person: usize) -> String {
    format!("https://www.linkedin.com/in/{}", slug(person))
}

fn thread(conversation: usize) -> String {
    use base64::Engine as _;
    let raw = format!(
        "0f1e2d3c-aaaa-4bbb-8ccc-{conversation:012}_{:03}",
        conversation % 1000
    );
    format!(
        "2-{}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// Writes the export archive (streamed: one CSV row at a time into the ZIP entry).
fn write_export(path: &Path, messages: usize, newest: DateTime<Utc>) {
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}"));
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("Connections.csv", options)
        .unwrap_or_else(|e| panic!("{e}"));
    zip.write_all(
        b"Notes:\n\"When exporting your connection data, some e-mails are missing.\"\n\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    {
        let mut csv = csv::Writer::from_writer(&mut zip);
        let header = [
            "First Name",
            "Last Name",
            "URL",
            "Email Address",
            "Company",
            "Position",
            "Connected On",
        ];
        csv.write_record(header).unwrap_or_else(|e| panic!("{e}"));
        for person in 1..=PEOPLE {
            let last = format!("Bench{person}");
            csv.write_record([
                "Zoë",
                &last,
                &url(person),
                "",
                "Acme Analytics",
                "Data Engineer",
                "04 Mar 2025",
            ])
            .unwrap_or_else(|e| panic!("{e}"));
        }
        csv.flush().unwrap_or_else(|e| panic!("{e}"));
    }
    zip.start_file("messages.csv", options)
        .unwrap_or_else(|e| panic!("{e}"));
    {
        let mut csv = csv::Writer::from_writer(&mut zip);
        csv.write_record([
            "CONVERSATION ID",
            "CONVERSATION TITLE",
            "FROM",
            "SENDER PROFILE URL",
            "TO",
            "RECIPIENT PROFILE URLS",
            "DATE",
            "SUBJECT",
            "CONTENT",
            "FOLDER",
            "ATTACHMENTS",
            "IS MESSAGE DRAFT",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let conversations = messages.div_ceil(PER_CONVERSATION);
        let mut written = 0;
        for c in 0..conversations {
            let peer = 1 + c % PEOPLE;
            let peer_name = format!("Zoë Bench{peer}");
            let id = thread(c);
            // Newest first within a conversation, as LinkedIn writes them.
            for m in (0..PER_CONVERSATION).rev() {
                if written == messages {
                    break;
                }
                written += 1;
                let at = newest
                    - Duration::minutes((c * PER_CONVERSATION + (PER_CONVERSATION - m)) as i64);
                let date = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
                let body = format!("{} (#{m})", BODIES[(c + m) % BODIES.len()]);
                let (from, from_url, to, to_url) = if m % 2 == 0 {
                    (peer_name.as_str(), url(peer), "Ada Owner", url(0))
                } else {
                    ("Ada Owner", url(0), peer_name.as_str(), url(peer))
                };
                csv.write_record([
                    id.as_str(),
                    "",
                    from,
                    &from_url,
                    to,
                    &to_url,
                    &date,
                    "",
                    &body,
                    "INBOX",
                    "",
                    "No",
                ])
                .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        csv.flush().unwrap_or_else(|e| panic!("{e}"));
    }
    zip.finish().unwrap_or_else(|e| panic!("{e}"));
}

async fn fresh_store(dir: &Path, name: &str) -> (SqlStore, UserId) {
    let url = format!("sqlite://{}", dir.join(name).display());
    let store = SqlStore::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let user = store
        .create_user("bench@example.com", "x", Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (store, user)
}

async fn import(store: &SqlStore, user: UserId, archive: &Path) -> (ImportSummary, StdDuration) {
    let started = Instant::now();
    let summary = import_linkedin_archive(
        store,
        user,
        archive,
        &ImportOptions::default(),
        Utc::now(),
        Arc::new(|_| {}),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    (summary, started.elapsed())
}

/// The baseline: the same conversations and messages, plain prepared INSERTs, one transaction.
async fn plain_inserts(
    store: &SqlStore,
    user: UserId,
    messages: usize,
    newest: DateTime<Utc>,
) -> StdDuration {
    let pool = store.pool();
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let started = Instant::now();
    let mut tx = pool.begin().await.unwrap_or_else(|e| panic!("{e}"));
    let account: i64 = sqlx::Row::try_get(
        &sqlx::query(
            "INSERT INTO linkedin_accounts (user_id, profile_urn, name, updated_at) \
             VALUES ($1, 'urn:li:fsd_profile:ACoAAOwnerBench000000000000000000000000', 'Ada', $2) RETURNING id",
        )
        .bind(user.0)
        .bind(ms(newest))
        .fetch_one(&mut *tx)
        .await
        .unwrap_or_else(|e| panic!("{e}")),
        "id",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut conversation = 0_i64;
    for n in 0..messages {
        let c = n / PER_CONVERSATION;
        let m = n % PER_CONVERSATION;
        if m == 0 {
            conversation = sqlx::Row::try_get(
                &sqlx::query(
                    "INSERT INTO conversations (user_id, account_id, urn, kind, group_chat, \
                     record_json, fingerprint, last_activity_at, updated_at) \
                     VALUES ($1, $2, $3, 'regular', 0, '{}', '', $4, $4) RETURNING id",
                )
                .bind(user.0)
                .bind(account)
                .bind(thread(c))
                .bind(ms(newest))
                .fetch_one(&mut *tx)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
                "id",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let at = newest - Duration::minutes((c * PER_CONVERSATION + (PER_CONVERSATION - m)) as i64);
        sqlx::query(
            "INSERT INTO messages (user_id, conversation_id, urn, direction, delivered_at, \
             body, state, extras_json, fingerprint, updated_at) \
             VALUES ($1, $2, $3, 'inbound', $4, $5, 'normal', '{}', '', $6)",
        )
        .bind(user.0)
        .bind(conversation)
        .bind(format!("urn:bench:{n}"))
        .bind(ms(at))
        .bind(format!("{} (#{m})", BODIES[(c + m) % BODIES.len()]))
        .bind(ms(newest))
        .execute(&mut *tx)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }
    tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    started.elapsed()
}

/// Imports, imports again, and inserts the same rows plainly for another user of `store`: one
/// line of the table.
async fn measure(
    name: &str,
    store: &SqlStore,
    user: UserId,
    archive: &Path,
    messages: usize,
    newest: DateTime<Utc>,
) -> (String, StdDuration) {
    let (summary, first) = import(store, user, archive).await;
    assert_eq!(summary.messages.added as usize, messages, "{summary:?}");
    let (again, second) = import(store, user, archive).await;
    assert_eq!(again.messages.matched as usize, messages, "{again:?}");
    let plain_user = store
        .create_user("plain@example.com", "x", Utc::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let plain = plain_inserts(store, plain_user, messages, newest).await;
    let rate = |elapsed: StdDuration| messages as f64 / elapsed.as_secs_f64();
    let line = format!(
        "{name:<10} {:>14.0} {:>13.0} {:>12.2} {:>17.0} {:>9.1}\n",
        rate(first),
        rate(plain),
        rate(plain) / rate(first),
        rate(second),
        first.as_secs_f64(),
    );
    (line, first)
}

/// The same on PostgreSQL in a scratch schema, when built with the feature and a server is
/// reachable (`TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/test`).
async fn postgres(archive: &Path, messages: usize, newest: DateTime<Utc>) -> String {
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
    let schema = format!("ping_bench_import_{}", Utc::now().timestamp_millis());
    if let Err(error) = sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
    {
        return format!("postgres   skipped: {error}\n");
    }
    let separator = if base.contains('?') { '&' } else { '?' };
    let line =
        match SqlStore::connect(&format!("{base}{separator}options[search_path]={schema}")).await {
            Ok(store) => {
                let user = store
                    .create_user("bench@example.com", "x", Utc::now())
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                let (line, _) = measure("postgres", &store, user, archive, messages, newest).await;
                store.close().await;
                line
            }
            Err(error) => format!("postgres   skipped: {error}\n"),
        };
    let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&admin)
        .await;
    line
}

/// A `/proc/self/status` field in kB (Linux only).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

#[tokio::main]
async fn main() {
    let messages: usize = std::env::var("PING_BENCH_IMPORT_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let archive = dir.path().join("Complete_LinkedInDataExport_bench.zip");
    let newest = Utc::now() - Duration::days(1);
    write_export(&archive, messages, newest);
    let zip_bytes = std::fs::metadata(&archive).map(|m| m.len()).unwrap_or(0);
    let csv_bytes: u64 = {
        let file = std::fs::File::open(&archive).unwrap_or_else(|e| panic!("{e}"));
        let mut zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{e}"));
        (0..zip.len())
            .filter_map(|i| zip.by_index(i).ok().map(|entry| entry.size()))
            .sum()
    };

    let header = format!(
        "data export import, {messages} messages in {} conversations, {PEOPLE} connections \
         (ZIP {:.1} MiB, CSV {:.1} MiB)\n{:<10} {:>14} {:>13} {:>12} {:>17} {:>9}\n",
        messages.div_ceil(PER_CONVERSATION),
        zip_bytes as f64 / 1_048_576.0,
        csv_bytes as f64 / 1_048_576.0,
        "store",
        "import msg/s",
        "plain msg/s",
        "plain/import",
        "re-import msg/s",
        "import s"
    );
    let mut table = header;

    let (store, user) = fresh_store(dir.path(), "import.db").await;
    // Peak memory of the import alone: the high-water mark is reset to the current size.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kb("VmRSS:").unwrap_or(0);
    let (line, _) = measure("sqlite", &store, user, &archive, messages, newest).await;
    let peak = status_kb("VmHWM:").unwrap_or(0);
    table.push_str(&line);
    table.push_str(&postgres(&archive, messages, newest).await);
    if reset {
        table.push_str(&format!(
            "peak resident memory during the SQLite import and its re-import: {:.1} MiB \
             ({:.1} MiB before; the archive holds {:.1} MiB of CSV)\n",
            mib(peak),
            mib(before),
            csv_bytes as f64 / 1_048_576.0
        ));
    } else {
        table.push_str(&format!(
            "peak resident memory of the process: {:.1} MiB (could not reset the mark)\n",
            mib(peak)
        ));
    }
    let _ = std::io::stdout().lock().write_all(table.as_bytes());
}
