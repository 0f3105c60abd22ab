//! Turns what the extension pushes (message batches, profiles) into store rows. Each record is
//! read on its own, so one bad record is rejected and reported while the rest is stored.

mod batch;
mod contacts;
mod profiles;
mod text;

pub use batch::{orphans_rejected, prepare_batch};
pub use profiles::prepare_profiles;
