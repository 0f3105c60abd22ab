//! `static.licdn.com`: the web client's script bundles at content-hashed addresses
//! (`/aero-v1/sc/h/<hash>`), which every page of the client loads: a vendor bundle that
//! declares no query id, and the messaging bundle that declares the live ids among decoys
//! ([`crate::queryids::LiveQueryIds::declared_in_bundle`]). A rotation changes the messaging
//! bundle and so its address; an address not served now answers 404, as an old release's would.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::request::Req;
use crate::rng::{hex32, keyed_hash};
use crate::state::Shared;

/// LinkedIn's static host.
pub const HOST: &str = "static.licdn.com";

const VENDOR: &str = "(function () { window.__fakeVendorLoaded = true; })();\n";

/// A bundle served now: its path and its text.
struct Bundle {
    path: String,
    text: String,
}

impl Bundle {
    fn new(text: String) -> Self {
        let hash = hex32(keyed_hash(b"bundle", text.as_bytes()));
        Self {
            path: format!("/aero-v1/sc/h/{hash}"),
            text,
        }
    }
}

fn bundles(shared: &Shared) -> [Bundle; 2] {
    let declared = shared.query_ids.lock().declared_in_bundle();
    let queries: String = declared
        .iter()
        .map(|id| format!("  {{queryId: \"{id}\"}},\n"))
        .collect();
    let messaging =
        format!("(function () {{\nwindow.__fakeMessengerQueries = [\n{queries}];\n}})();\n");
    [Bundle::new(VENDOR.to_owned()), Bundle::new(messaging)]
}

/// The addresses of the bundles a page of the web client loads.
pub fn urls(shared: &Shared) -> Vec<String> {
    bundles(shared)
        .iter()
        .map(|bundle| format!("https://{HOST}{}", bundle.path))
        .collect()
}

/// Answers a request to the static host.
pub fn handle(shared: &Shared, req: &Req) -> Response {
    let Some(bundle) = bundles(shared)
        .into_iter()
        .find(|bundle| bundle.path == req.path)
    else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/javascript; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        bundle.text,
    )
        .into_response()
}
