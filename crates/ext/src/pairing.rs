//! Pairing this browser with a Ping backend, and keeping the token fresh.

use chrono::Utc;
use ping_core::ids::ProfileUrn;
use ping_protocol::api::{
    ClaimRequest, ExtensionToken, HelloRequest, PairingCodeRequest, PairingPollRequest,
    PairingPollResponse, SyncRequest,
};

use ping_protocol::worker::ExtensionSettings;

use crate::backend::Backend;
use crate::chrome::runtime;
use crate::chrome::timer::sleep;
use crate::error::WorkerError;
use crate::store;

/// How often a waiting pairing code is polled.
const POLL_EVERY_MILLIS: u64 = 2_000;

/// How this browser is listed among the paired browsers in the web UI.
pub fn client_name(user_agent: Option<&str>) -> String {
    let ua = user_agent.unwrap_or_default();
    let os = [
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Android", "Android"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, os)| os);
    match os {
        Some(os) => format!("Chrome on {os}"),
        None => "Chrome".to_owned(),
    }
}

async fn unpaired_backend() -> Result<Backend, WorkerError> {
    let settings = store::settings().await?;
    Ok(Backend::new(&settings.backend_url, None))
}

/// Asks the backend for a code to show in the popup, and waits for it in the background.
pub async fn request_code() -> Result<(), WorkerError> {
    let backend = unpaired_backend().await?;
    let request = PairingCodeRequest {
        client_name: client_name(runtime::user_agent().as_deref()),
    };
    let attempt = backend.request_pairing_code(&request).await?;
    store::save_pairing_attempt(&attempt).await?;
    wasm_bindgen_futures::spawn_local(async {
        if let Err(error) = wait_for_pairing().await {
            web_sys::console::warn_1(&error.to_string().into());
        }
    });
    Ok(())
}

/// Polls the stored code until it is paired or expires (or another code replaces it).
async fn wait_for_pairing() -> Result<(), WorkerError> {
    let Some(first) = store::pairing_attempt().await? else {
        return Ok(());
    };
    loop {
        sleep(POLL_EVERY_MILLIS).await;
        match store::pairing_attempt().await? {
            Some(current) if current.code == first.code => {}
            _ => return Ok(()),
        }
        if poll_once().await? {
            return Ok(());
        }
    }
}

/// Polls the waiting code once. Returns whether waiting is over (paired, or the code expired).
pub async fn poll_once() -> Result<bool, WorkerError> {
    let Some(attempt) = store::pairing_attempt().await? else {
        return Ok(true);
    };
    if attempt.expires_at <= Utc::now() || store::token().await?.is_some() {
        return Ok(true);
    }
    let request = PairingPollRequest {
        code: attempt.code.clone(),
        poll_secret: attempt.poll_secret.clone(),
    };
    match unpaired_backend().await?.poll_pairing(&request).await? {
        PairingPollResponse::Pending { .. } => Ok(false),
        PairingPollResponse::Paired { token } => {
            store::save_token(&token).await?;
            Ok(true)
        }
        PairingPollResponse::Expired => Ok(true),
    }
}

/// Pairs with a code the web UI shows (the reverse direction).
pub async fn claim(code: &str) -> Result<(), WorkerError> {
    let request = ClaimRequest {
        code: code.trim().to_ascii_uppercase(),
        client_name: client_name(runtime::user_agent().as_deref()),
    };
    let token = unpaired_backend().await?.claim(&request).await?;
    store::save_token(&token).await?;
    Ok(())
}

/// What the backend said at a trigger.
pub struct CheckIn {
    /// The token to use from now on: refreshed when it was near its end.
    pub token: ExtensionToken,
    /// A sync the web UI asked for.
    pub requested: Option<SyncRequest>,
}

/// Says hello to the backend at a trigger for the mailbox `account`: refreshes a token near its
/// end, and returns a sync the web UI asked for.
pub async fn check_in(
    settings: &ExtensionSettings,
    token: ExtensionToken,
    account: Option<ProfileUrn>,
) -> Result<CheckIn, WorkerError> {
    let backend = Backend::new(&settings.backend_url, Some(&token));
    let hello = HelloRequest {
        account,
        extension_version: runtime::extension_version()?,
    };
    let answer = backend.hello(&hello).await?;
    let token = if answer.refresh_due {
        let fresh = backend.refresh_token().await?;
        store::save_token(&fresh).await?;
        fresh
    } else {
        token
    };
    Ok(CheckIn {
        token,
        requested: answer.sync_requested,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_named_after_the_os() {
        let linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0.0.0";
        assert_eq!(client_name(Some(linux)), "Chrome on Linux");
        let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/156.0.0.0";
        assert_eq!(client_name(Some(mac)), "Chrome on macOS");
        assert_eq!(client_name(None), "Chrome");
    }
}
