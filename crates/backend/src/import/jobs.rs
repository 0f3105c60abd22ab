//! Imports started from the web UI: each runs in the background of the process that received
//! the upload; its record (running, then the summary or the error) is in the store, so every
//! process can show it, and its live progress is kept here while it runs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

use super::{ImportOptions, ImportProgress, import_linkedin_archive};
use crate::ids::UserId;
use crate::state::AppState;
use crate::store::{ImportRecord, ImportState};

/// Progress of the imports running in this process, by import id.
static RUNNING: LazyLock<Mutex<HashMap<String, ImportProgress>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The progress of a running import, when this process runs it.
pub fn progress(id: &str) -> Option<ImportProgress> {
    RUNNING.lock().ok()?.get(id).copied()
}

fn set_progress(id: &str, progress: Option<ImportProgress>) {
    if let Ok(mut running) = RUNNING.lock() {
        match progress {
            Some(progress) => running.insert(id.to_owned(), progress),
            None => running.remove(id),
        };
    }
}

/// Runs the import of the uploaded archive at `upload` (deleted afterwards) and records how it
/// ended. `record` was stored as running before.
pub async fn run(state: AppState, user: UserId, mut record: ImportRecord, upload: PathBuf) {
    let id = record.id.clone();
    set_progress(&id, Some(ImportProgress::default()));
    let reporter = id.clone();
    let outcome = import_linkedin_archive(
        state.store.as_ref(),
        user,
        &upload,
        &ImportOptions::default(),
        state.clock.now(),
        Arc::new(move |progress| set_progress(&reporter, Some(progress))),
    )
    .await;
    let _ = tokio::fs::remove_file(&upload).await;
    record.finished_at = Some(state.clock.now());
    match outcome {
        Ok(summary) => {
            record.state = ImportState::Done;
            record.summary_json = serde_json::to_string(&summary).ok();
        }
        Err(error) => {
            record.state = ImportState::Failed;
            record.error = Some(error.to_string());
        }
    }
    if let Err(error) = state.store.finish_import(user, &record).await {
        tracing::error!(%error, import = %id, "recording the end of an import");
    }
    set_progress(&id, None);
}
