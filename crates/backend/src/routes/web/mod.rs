//! The web UI: server-rendered pages, forms with CSRF tokens, a little plain JS.

mod api_keys;
mod attachments;
mod files;
mod import;
mod login;
mod official;
mod page;
mod pages;
mod settings;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(official::router())
        .route("/", get(login::index))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/contacts", get(pages::contacts))
        .route(
            "/contacts/{id}",
            get(pages::contact).post(pages::edit_contact),
        )
        .route("/conversations", get(pages::conversations))
        .route("/conversations/{id}", get(pages::conversation))
        .route("/search", get(pages::search))
        .route("/history", get(pages::history))
        .route("/settings/integrations/linkedin", get(settings::page))
        .route(
            "/settings/import",
            get(import::page)
                .post(import::upload)
                .layer(DefaultBodyLimit::max(import::MAX_UPLOAD_BYTES)),
        )
        .route("/settings/import/{id}", get(import::status))
        .route("/settings/integrations/linkedin/pair", post(settings::pair))
        .route(
            "/settings/integrations/linkedin/code",
            post(settings::show_code),
        )
        .route(
            "/settings/integrations/linkedin/tokens/{id}/revoke",
            post(settings::revoke),
        )
        .route(
            "/settings/integrations/linkedin/sync",
            post(settings::request_sync),
        )
        .route(
            "/settings/api-keys",
            get(api_keys::page).post(api_keys::create),
        )
        .route("/settings/api-keys/{id}/revoke", post(api_keys::revoke))
        .route("/export/contacts.vcf", get(files::contacts_vcard))
        .route("/export/contacts.csv", get(files::contacts_csv))
        .route("/export/conversations.json", get(files::conversations_json))
        .route("/export/conversations.zip", get(files::conversations_zip))
        .route("/attachments/{message}/{index}", get(attachments::bytes))
        .route("/avatars/{hash}", get(files::avatar))
        .route("/static/style.css", get(files::stylesheet))
        .route("/static/dialogs.js", get(files::dialogs_script))
}
