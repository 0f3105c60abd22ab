//! The worker's errors, and how a backend failure is remembered for the popup.

use crate::backend::BackendError;
use crate::chrome::ChromeError;

/// Why a worker request could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Chrome(#[from] ChromeError),
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// A web page's content script sent what only the extension's own pages may.
    #[error("this request is not accepted from a web page")]
    NotFromWebPages,
    /// The message was not one the worker understands.
    #[error("unknown message: {0}")]
    BadMessage(String),
    /// A visited page could not be read as a profile.
    #[error("{url} could not be read as a profile: {reason}")]
    NotAProfile { url: String, reason: String },
}
