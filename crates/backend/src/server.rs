//! Starting the service: store, first user, avatar worker, the official API's job, HTTP
//! listener.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::Duration;

use crate::attachments::AttachmentObjects;
use crate::avatars::{AvatarWorker, load_extra_roots};
use crate::clock::{Clock, SystemClock};
use crate::secrets::{generated_password, hash_password};
use crate::settings::Settings;
use crate::state::{AppConfig, AppState};
use crate::store::Store;
use crate::store::sql::SqlStore;

/// The email of the account created on first start.
pub const FIRST_USER_EMAIL: &str = "admin@localhost";

/// Creates `admin@localhost` with a generated password when there is no user yet; returns the
/// password so it can be shown once.
pub async fn ensure_first_user(
    store: &dyn Store,
    clock: &dyn Clock,
) -> anyhow::Result<Option<String>> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let password = generated_password();
    let hash = hash_password(&password)?;
    store
        .create_user(FIRST_USER_EMAIL, &hash, clock.now())
        .await?;
    Ok(Some(password))
}

/// Deletes expired sessions, and pairing codes and failed attempts older than a day, hourly.
async fn housekeeping(store: Arc<dyn Store>, clock: Arc<dyn Clock>) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        let now = clock.now();
        if let Err(error) = store.purge_expired(now, now - Duration::days(1)).await {
            tracing::warn!(%error, "housekeeping");
        }
    }
}

/// Runs the backend until Ctrl-C.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    // Before anything else: a root file that cannot be used stops the start, with its name.
    let extra_roots = load_extra_roots(&settings.extra_ca_certs)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock::with_offset(Duration::seconds(
        settings.clock_offset_secs,
    )));
    if settings.clock_offset_secs != 0 {
        tracing::warn!(
            offset_secs = settings.clock_offset_secs,
            "TEST ONLY: the server clock runs ahead (PING_CLOCK_OFFSET_SECS)"
        );
    }
    let store: Arc<dyn Store> = Arc::new(
        SqlStore::connect(settings.database_url.expose())
            .await
            .with_context(|| format!("opening the store at {}", settings.database_url))?,
    );
    if let Some(password) = ensure_first_user(store.as_ref(), clock.as_ref()).await? {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "\nFirst start: created the web login\n  email:    {FIRST_USER_EMAIL}\n  password: {password}\n\
             (shown once; add more users with `ping-backend user add <email>`)\n"
        )?;
    }
    // Unusable SMTP settings stop the start (the error never holds the password).
    crate::official::mail::ReminderMailer::from_settings(&settings)?;
    let config = AppConfig::from_settings(&settings);
    let attachment_location = settings.attachment_location();
    let attachments = AttachmentObjects::open(&attachment_location)
        .with_context(|| format!("opening the attachment store at {attachment_location}"))?;
    let state =
        AppState::new(store.clone(), clock.clone(), config.clone()).with_attachments(attachments);
    tokio::spawn(housekeeping(store.clone(), clock.clone()));
    crate::official::job::spawn(state.clone());
    let worker = AvatarWorker::new(store, clock, config.avatar_policy, &extra_roots)?;
    worker.spawn(
        usize::from(settings.avatar_workers),
        state.avatar_wakeup.clone(),
    );

    let listener = tokio::net::TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("listening on {}", settings.bind))?;
    tracing::info!(
        address = %listener.local_addr()?,
        database = %settings.database_url,
        "ping-backend is serving"
    );
    axum::serve(
        listener,
        crate::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        // If the signal handler cannot be installed, serve until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
    .await?;
    Ok(())
}
