//! Who is asking: the extension (bearer token), a logged-in person (session cookie), or either.

mod api_key;
mod client;
mod extension;
mod session;

pub use api_key::{API_KEY_PREFIX, ApiKeyAuth, NewKey, new_api_key};
pub use client::{ClientIp, client_ip};
pub use extension::{ExtensionAuth, authenticate_token, bearer};
pub use session::{
    Owner, PageSession, SESSION_COOKIE, WebSession, clear_session_cookie, cookie_value,
    session_cookie, start_session,
};
