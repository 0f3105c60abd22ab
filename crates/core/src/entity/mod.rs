//! LinkedIn's entities as both Voyager answers and profile pages carry them: the dash
//! `Profile`, pictures (`VectorImage` and media URLs), text, and normalized references.
//!
//! A profile page embeds the same Voyager answers the API gives (`profile_page::embedded`), so
//! `voyager::parse` and `profile_page` read the same entities. Each has one reader here, and
//! a change of its shape is fixed once; neither parser reaches into the other. Choosing *which*
//! entity to read (whose profile, which blob) stays with the callers.

mod dash_profile;
mod headline;
mod included;
pub(crate) mod json;
mod media_url;
mod picture;
mod text;

pub(crate) use dash_profile::read_dash_profile;
pub(crate) use headline::{Position, with_headline_position};
pub(crate) use included::Included;
pub(crate) use picture::{picture, picture_from_url, vector_image};
pub(crate) use text::{clean, raw_text};
