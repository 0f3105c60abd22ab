//! The official LinkedIn API's HTTP side: Settings → Integrations → LinkedIn → LinkedIn app,
//! the OAuth callback, the Lead Sync webhook and the leads page.

mod app;
mod crm_sync;
mod leads;
mod posts;
mod webhook;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use app::settings_reminder;

use crate::official::{CALLBACK_PATH, WEBHOOK_PATH};
use crate::state::AppState;

const APP_PAGE: &str = "/settings/integrations/linkedin/app";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(APP_PAGE, get(app::page).post(app::save))
        .route(
            "/settings/integrations/linkedin/app/delete",
            post(app::delete),
        )
        .route(
            "/settings/integrations/linkedin/app/connect",
            post(app::connect),
        )
        .route(CALLBACK_PATH, get(app::callback))
        .route(
            "/settings/integrations/linkedin/app/disconnect",
            post(app::disconnect),
        )
        .route(
            "/settings/integrations/linkedin/app/forms",
            post(app::save_form),
        )
        .route(crm_sync::PAGE, get(crm_sync::page).post(crm_sync::save))
        .route(
            "/settings/integrations/linkedin/app/crm-sync/check",
            post(crm_sync::check),
        )
        .route(
            posts::PAGE,
            get(posts::page)
                .post(posts::send)
                .layer(DefaultBodyLimit::max(posts::MAX_UPLOAD_BYTES)),
        )
        .route(posts::POST_PAGE, get(posts::post_page))
        .route("/leads", get(leads::page))
        .route(WEBHOOK_PATH, get(webhook::validate).post(webhook::notify))
}
