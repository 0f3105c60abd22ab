//! How many Voyager requests a full and an incremental sync make, beside the fewest the page
//! sizes allow, and how fast planner, parsers and fake go together natively over HTTP.
//! Run by `./build.sh bench`; `BENCH_CONVERSATIONS` and `BENCH_MAX_MESSAGES` size the account.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    reason = "a benchmark prints its table"
)]

#[path = "../tests/native_sync/mod.rs"]
mod native_sync;

use std::time::{Duration, Instant};

use native_sync::Harness;
use ping_core::sync::{SyncState, SyncTrigger};

/// LinkedIn's page size for both conversations and messages.
const PAGE: usize = 20;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let conversations = env_or("BENCH_CONVERSATIONS", 2000);
    let max_messages = env_or("BENCH_MAX_MESSAGES", 300);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut harness = Harness::start(conversations, 0..=max_messages).await;
        let snapshot = harness.server.snapshot();
        let messages: usize = snapshot.conversations.iter().map(|c| c.messages.len()).sum();
        // One `/me`, the deletion check, the list pages, and per conversation
        // ⌊messages / 20⌋ + 1 message pages (a full last page cannot tell it is the last).
        let fewest_full = 1
            + 1
            + conversations.div_ceil(PAGE)
            + snapshot.conversations.iter().map(|c| c.messages.len() / PAGE + 1).sum::<usize>();

        harness.server.clear_requests();
        let started = Instant::now();
        let (state, report) = harness.sync_to_completion(SyncState::default()).await;
        let full_time = started.elapsed();
        let full = count(&harness);

        // Sync Now lists every folder; its listing also proves that the sync-token answer names
        // every changed conversation, so page visits after it take that answer for the listing.
        let changed = 10;
        harness.server.add_activity(changed, 3);
        let (state, sync_now, sync_now_time) = measure(&mut harness, state).await;

        harness.trigger = SyncTrigger::PageVisit;
        harness.server.add_activity(changed, 3);
        let (state, visit, visit_time) = measure(&mut harness, state).await;
        let (_, quiet, quiet_time) = measure(&mut harness, state).await;
        // The sync-token answer names the changed conversations, then one message page each; no
        // `/me`, the session being the one it answered for.
        let fewest_incremental = 1 + changed;

        println!("Native sync over HTTP against fake-linkedin ({conversations} conversations, {messages} messages)");
        println!();
        println!("| sync | /me | list pages (with the deletion check) | message pages | requests | fewest possible | ratio | time | messages/s |");
        println!("|---|---|---|---|---|---|---|---|---|");
        for (name, counts, fewest, time, moved) in [
            ("full", full, fewest_full, full_time, report.messages_processed as usize),
            ("Sync Now, 10 conversations with 3 new messages each (lists every folder)", sync_now, fewest_incremental, sync_now_time, changed * 3),
            ("page visit, 10 conversations with 3 new messages each", visit, fewest_incremental, visit_time, changed * 3),
            ("page visit, nothing new", quiet, 1, quiet_time, 0),
        ] {
            let total = counts.0 + counts.1 + counts.2;
            println!(
                "| {name} | {} | {} | {} | {total} | {fewest} | {:.2} | {:.2} s | {:.0} |",
                counts.0,
                counts.1,
                counts.2,
                total as f64 / fewest as f64,
                time.as_secs_f64(),
                moved as f64 / time.as_secs_f64(),
            );
        }
        println!();
        println!("At the Compressed preset: the clock jumps over its gaps and budget waits, so the time is");
        println!("the planner's, parsers' and fake's work alone (the pacing bench gives real-time figures).");
    });
}

/// One sync to completion: the state it leaves, its requests (as [`count`]) and its time.
async fn measure(
    harness: &mut Harness,
    state: SyncState,
) -> (SyncState, (usize, usize, usize), Duration) {
    harness.server.clear_requests();
    let started = Instant::now();
    let (state, _) = harness.sync_to_completion(state).await;
    let time = started.elapsed();
    (state, count(harness), time)
}

/// Requests logged by the fake: `/me`, conversation list pages, message pages.
fn count(harness: &Harness) -> (usize, usize, usize) {
    let requests = harness.server.requests();
    let me = requests
        .iter()
        .filter(|r| r.path == "/voyager/api/me")
        .count();
    (
        me,
        harness.voyager_requests("messengerConversations").len(),
        harness.voyager_requests("messengerMessages").len(),
    )
}
