//! The account-safety figures of a first sync at the default pace, in simulated time: the
//! planner runs natively against fake-linkedin over HTTP, the clock jumps over every gap, and
//! a run that spends the budget resumes when it frees, as the next page visit would.
//! Run by `./build.sh bench`; `BENCH_PACING_SIZES` lists the account sizes (conversations).

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    reason = "a benchmark prints its table"
)]

#[path = "../tests/native_sync/mod.rs"]
mod native_sync;

use chrono::{DateTime, Duration, Utc};
use native_sync::Harness;
use ping_core::sync::{PacePreset, SyncState};

/// The page size the planner asks for.
const PAGE: usize = 20;

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_PACING_SIZES")
        .unwrap_or_else(|_| "300,2000".to_owned())
        .split(',')
        .filter_map(|size| size.trim().parse().ok())
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let policy = PacePreset::Standard.policy();
    let budget = |window: Duration| {
        policy
            .budgets
            .iter()
            .find(|budget| budget.window == window)
            .map_or(0, |budget| budget.calls)
    };
    println!("First sync at the Standard preset, simulated time (gaps and budget waits skipped)");
    println!();
    println!(
        "| conversations | messages | requests | fewest possible | ratio | first complete view | full history | most calls in a minute | most in an hour (budget {}) | most in a day (budget {}) |",
        budget(Duration::hours(1)),
        budget(Duration::days(1)),
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for conversations in sizes {
        runtime.block_on(async {
            let mut harness = Harness::start(conversations, 0..=300).await;
            harness.pace = PacePreset::Standard;
            let snapshot = harness.server.snapshot();
            let counts: Vec<usize> = snapshot
                .conversations
                .iter()
                .map(|c| c.messages.len())
                .collect();
            let messages: usize = counts.iter().sum();
            // `/me`, the deletion check, the list pages, and per conversation
            // ⌊messages / 20⌋ + 1 message pages.
            let fewest = 2
                + conversations.div_ceil(PAGE)
                + counts.iter().map(|m| m / PAGE + 1).sum::<usize>();
            let started = harness.clock;
            harness.sync_to_completion(SyncState::default()).await;
            let requests = harness.call_times.len();
            let latest: Vec<_> = snapshot
                .conversations
                .iter()
                .filter_map(|c| c.messages.last())
                .collect();
            let first_view = latest
                .iter()
                .filter_map(|urn| harness.backend.message_arrived.get(urn))
                .chain(harness.backend.conversation_arrived.values())
                .max()
                .copied()
                .unwrap_or(started);
            let full = harness
                .backend
                .message_arrived
                .values()
                .max()
                .copied()
                .unwrap_or(started);
            println!(
                "| {conversations} | {messages} | {requests} | {fewest} | {:.2} | {} | {} | {} | {} | {} |",
                requests as f64 / fewest as f64,
                span(first_view - started),
                span(full - started),
                busiest(&harness.call_times, Duration::minutes(1)),
                busiest(&harness.call_times, Duration::hours(1)),
                busiest(&harness.call_times, Duration::days(1)),
            );
        });
    }
    println!();
    println!(
        "A first sync runs again at each page visit once the budget frees; here the clock jumps"
    );
    println!(
        "there at once, so the times are the least a user who browses LinkedIn all day would see."
    );
}

/// The most calls in any window of `window` ending at a call (the list is in time order).
fn busiest(times: &[DateTime<Utc>], window: Duration) -> usize {
    let mut most = 0;
    let mut start = 0;
    for (end, at) in times.iter().enumerate() {
        while times[start] <= *at - window {
            start += 1;
        }
        most = most.max(end + 1 - start);
    }
    most
}

fn span(duration: Duration) -> String {
    let minutes = duration.num_minutes();
    match minutes {
        m if m < 120 => format!("{m} min {} s", duration.num_seconds() % 60),
        m if m < 48 * 60 => format!("{:.1} h", m as f64 / 60.0),
        m => format!("{:.1} days", m as f64 / (24.0 * 60.0)),
    }
}
