//! Profile pages (`/in/<id>/`) read with `scraper`, in both page styles LinkedIn serves.

use serde::{Deserialize, Serialize};

use crate::model::Profile;

/// Which client rendered the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PageStyle {
    /// The older Ember app: `h1`, top-card classes, `<code>` JSON blobs.
    Ember,
    /// The newer server-driven flagship-web: `componentkey` anchors, no `h1`.
    ServerDriven,
}

/// What a profile page showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileCapture {
    pub style: PageStyle,
    pub profile: Profile,
}

/// Why a page could not be read as a profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfilePageError {
    /// Neither page style was recognised.
    #[error("this page does not look like a LinkedIn profile")]
    NotAProfile,
}

/// Reads a profile page's HTML; `page_url` gives the public identifier and scopes embedded data.
pub fn parse_profile_page(_html: &str, _page_url: &str) -> Result<ProfileCapture, ProfilePageError> {
    Err(ProfilePageError::NotAProfile)
}
