//! Who is asking: the extension (bearer token), a logged-in person (session cookie), or either.

mod client;
mod extension;
mod session;

pub use client::{ClientIp, client_ip};
pub use extension::{ExtensionAuth, authenticate_token, bearer};
pub use session::{
    Owner, PageSession, SESSION_COOKIE, WebSession, clear_session_cookie, cookie_value,
    session_cookie, start_session,
};
