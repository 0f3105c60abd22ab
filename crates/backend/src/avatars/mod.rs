//! Contact pictures: where they may come from, what is accepted, and the download worker.
//!
//! The backend downloads the best-sized picture Voyager named, promptly (the URLs expire).
//! When LinkedIn's CDN refuses the server (403) or the URL expired, the next push response asks
//! the extension to fetch the bytes in the browser and upload them; both paths go through the
//! same checks: an allow-listed media host, HTTPS, an image type, a size cap. The downloads
//! trust the built-in web roots and any extra ones configured (`PING_EXTRA_CA_CERTS`). Several workers
//! share the queue, and each download has a deadline, so a slow server holds one worker for a
//! bounded time and the others go on.

mod fetch;
mod policy;
mod trust;
mod worker;

pub use fetch::{DOWNLOAD_DEADLINE, FetchError, download, download_within, http_client};
pub use policy::AvatarPolicy;
pub use trust::{ExtraRootsError, load_extra_roots};
pub use worker::{AvatarWorker, JobResult};
