//! `GET /voyager/api/me` (voyager-api.md §1.6), plain or normalized.

use serde_json::Value;

use super::ParseError;
use super::json::label;
use crate::entity::Included;
use crate::entity::json::string;
use crate::ids::{ProfileUrn, PublicIdentifier};
use crate::model::Account;

const MINI_PROFILE_TYPE: &str = "com.linkedin.voyager.identity.shared.MiniProfile";

/// Reads the mailbox owner from `miniProfile` (plain), `data.miniProfile`, or the entity that
/// `data.*miniProfile` names in `included` (normalized).
pub(super) fn account(root: &Value) -> Result<Account, ParseError> {
    let included = Included::of(root);
    let data = root.get("data").unwrap_or(&Value::Null);
    let mini = included
        .field(root, "miniProfile")
        .or_else(|| included.field(data, "miniProfile"))
        .or_else(|| {
            included
                .entities()
                .find(|e| e.get("$type").and_then(Value::as_str) == Some(MINI_PROFILE_TYPE))
        })
        .ok_or_else(|| unreadable("no miniProfile"))?;
    let profile = ["dashEntityUrn", "entityUrn"]
        .into_iter()
        .filter_map(|key| mini.get(key)?.as_str())
        .find_map(|urn| ProfileUrn::parse(urn).ok())
        .ok_or_else(|| unreadable("the miniProfile has no readable profile URN"))?;
    Ok(Account {
        profile,
        first_name: label(mini.get("firstName")).unwrap_or_default(),
        last_name: label(mini.get("lastName")).unwrap_or_default(),
        headline: label(mini.get("occupation")),
        public_identifier: string(mini, "publicIdentifier")
            .and_then(|slug| PublicIdentifier::parse(&slug).ok()),
    })
}

fn unreadable(detail: &str) -> ParseError {
    ParseError::Unreadable {
        what: "account",
        detail: detail.to_owned(),
    }
}
