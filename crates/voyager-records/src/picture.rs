//! LinkedIn's `VectorImage` (`rootUrl` + `artifacts[]`) as the JSON holds it; what makes a
//! usable picture of it is `ping_core::entity::picture`'s.

use serde::Deserialize;

use crate::lenient::{Count, List, Millis, Record, Str};

/// A `VectorImage`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VectorImage<'a> {
    #[serde(borrow)]
    pub root_url: Str<'a>,
    #[serde(borrow)]
    pub artifacts: List<Record<VectorArtifact<'a>>>,
}

/// One size of a `VectorImage`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VectorArtifact<'a> {
    #[serde(borrow)]
    pub file_identifying_url_path_segment: Str<'a>,
    pub width: Count,
    pub height: Count,
    pub expires_at: Millis,
}
