//! How the internally tagged messages the extension receives are read: as one flat record of
//! optional fields, then checked per tag. Deriving `Deserialize` on an internally tagged enum
//! buffers every field through serde's `Content` and compiles each variant's fields a second
//! time for it, several times this code in the extension's wasm (issue 12). The JSON is the
//! same either way, and writing stays derived.

use chrono::{DateTime, Utc};
use ping_core::voyager::{PageMeta, PageQueryIds};
use serde::Deserialize;

use crate::api::{ExtensionToken, PairingPollResponse};
use crate::worker::{ExtensionSettings, WorkerRequest};

/// A field a tag needs, or the error that names it.
fn needed<T>(field: Option<T>, name: &'static str) -> Result<T, String> {
    field.ok_or_else(|| format!("missing field `{name}`"))
}

/// The `type` of a [`WorkerRequest`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum RequestType {
    PageVisit,
    ProfilePage,
    QueryIdsObserved,
    SyncNow,
    GetState,
    RequestPairingCode,
    EnterPairingCode,
    Unpair,
    GetSettings,
    SaveSettings,
}

/// Every field of every [`WorkerRequest`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkerRequestFields {
    r#type: RequestType,
    url: Option<String>,
    page: Option<PageMeta>,
    query_ids: Option<PageQueryIds>,
    html: Option<String>,
    urls: Option<Vec<String>>,
    code: Option<String>,
    settings: Option<ExtensionSettings>,
}

impl TryFrom<WorkerRequestFields> for WorkerRequest {
    type Error = String;

    fn try_from(fields: WorkerRequestFields) -> Result<Self, String> {
        Ok(match fields.r#type {
            RequestType::PageVisit => Self::PageVisit {
                url: needed(fields.url, "url")?,
                page: needed(fields.page, "page")?,
                query_ids: needed(fields.query_ids, "queryIds")?,
            },
            RequestType::ProfilePage => Self::ProfilePage {
                url: needed(fields.url, "url")?,
                html: needed(fields.html, "html")?,
            },
            RequestType::QueryIdsObserved => Self::QueryIdsObserved {
                urls: needed(fields.urls, "urls")?,
            },
            RequestType::SyncNow => Self::SyncNow,
            RequestType::GetState => Self::GetState,
            RequestType::RequestPairingCode => Self::RequestPairingCode,
            RequestType::EnterPairingCode => Self::EnterPairingCode {
                code: needed(fields.code, "code")?,
            },
            RequestType::Unpair => Self::Unpair,
            RequestType::GetSettings => Self::GetSettings,
            RequestType::SaveSettings => Self::SaveSettings {
                settings: needed(fields.settings, "settings")?,
            },
        })
    }
}

/// The `status` of a [`PairingPollResponse`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum PollStatus {
    Pending,
    Paired,
    Expired,
}

/// Every field of every [`PairingPollResponse`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PairingPollFields {
    status: PollStatus,
    expires_at: Option<DateTime<Utc>>,
    token: Option<ExtensionToken>,
}

impl TryFrom<PairingPollFields> for PairingPollResponse {
    type Error = String;

    fn try_from(fields: PairingPollFields) -> Result<Self, String> {
        Ok(match fields.status {
            PollStatus::Pending => Self::Pending {
                expires_at: needed(fields.expires_at, "expiresAt")?,
            },
            PollStatus::Paired => Self::Paired {
                token: needed(fields.token, "token")?,
            },
            PollStatus::Expired => Self::Expired,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    #[test]
    fn a_request_without_a_field_its_type_needs_is_refused_by_the_fields_name() {
        let visit = r#"{"type":"pageVisit","url":"https://www.linkedin.com/feed/","page":{}}"#;
        assert!(refusal::<WorkerRequest>(visit).contains("missing field `queryIds`"));
        let profile = r#"{"type":"profilePage","url":"https://www.linkedin.com/in/ada/"}"#;
        assert!(refusal::<WorkerRequest>(profile).contains("missing field `html`"));
        assert!(refusal::<WorkerRequest>(r#"{"type":"saveSettings"}"#).contains("`settings`"));
        assert!(
            refusal::<WorkerRequest>(r#"{"kind":"getState"}"#).contains("missing field `type`")
        );
        assert!(refusal::<WorkerRequest>(r#"{"type":"fly"}"#).contains("unknown variant `fly`"));
    }

    #[test]
    fn a_request_without_fields_reads_from_its_type_alone() {
        let read = |json| serde_json::from_str::<WorkerRequest>(json).unwrap();
        assert_eq!(read(r#"{"type":"getState"}"#), WorkerRequest::GetState);
        assert_eq!(
            read(r#"{"type":"unpair","extra":1}"#),
            WorkerRequest::Unpair
        );
        assert_eq!(
            read(r#"{"type":"enterPairingCode","code":"PING-X7K3M2"}"#),
            WorkerRequest::EnterPairingCode {
                code: "PING-X7K3M2".into()
            }
        );
    }

    #[test]
    fn every_pairing_poll_answer_reads_by_its_status() {
        let read = |json| serde_json::from_str::<PairingPollResponse>(json);
        assert_eq!(
            read(r#"{"status":"expired"}"#).unwrap(),
            PairingPollResponse::Expired
        );
        let pending = read(r#"{"status":"pending","expiresAt":"2025-10-09T09:00:00Z"}"#).unwrap();
        assert!(matches!(pending, PairingPollResponse::Pending { .. }));
        assert!(
            refusal::<PairingPollResponse>(r#"{"status":"paired"}"#)
                .contains("missing field `token`")
        );
    }
}
