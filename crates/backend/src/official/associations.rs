//! Sales Navigator Profile Associations (§5): the photo and Sales Navigator URL of a contact
//! matched through the customer's CRM Sync, and a clear state for every documented answer.

use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use super::client::{ApiCallError, LinkedInErrorBody};

/// A contact's record in the CRM that Sales Navigator's CRM Sync mirrors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrmRecordKey {
    /// `MS` for Dynamics 365 (the reference's example; Salesforce's name is not verified).
    pub partner: String,
    /// `contoso.crm.dynamics.com`.
    pub instance_id: String,
    pub record_id: String,
}

/// Characters that would break the Rest.li tuple, encoded inside its values.
const TUPLE_RESERVED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b'(')
    .add(b')')
    .add(b',')
    .add(b':')
    .add(b' ')
    .add(b'%')
    .add(b'/')
    .add(b'?')
    .add(b'#');

impl CrmRecordKey {
    /// `(partner:MS,instanceId:…,recordId:…)`, the path key.
    pub fn path_key(&self) -> String {
        let encode =
            |value: &str| percent_encoding::utf8_percent_encode(value, TUPLE_RESERVED).to_string();
        format!(
            "(partner:{},instanceId:{},recordId:{})",
            encode(&self.partner),
            encode(&self.instance_id),
            encode(&self.record_id)
        )
    }
}

/// A 200 answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationBody {
    pub member: Option<String>,
    pub profile: Option<String>,
    pub profile_photo: Option<String>,
}

/// What LinkedIn's answer means for the contact, one state per documented answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssociationState {
    /// Not asked yet.
    Pending,
    /// 200: a high-confidence match (the photo only when public).
    Matched,
    /// 400: a part of the record key is missing or malformed.
    MissingParameter,
    /// 400, service error 40001: the customer's CRM Sync is not enabled.
    CrmSyncNotEnabled,
    /// 400, service error 40002: LinkedIn cannot tell whether CRM Sync is enabled.
    CrmSyncStatusUnknown,
    /// 401: the access token is invalid or expired.
    Unauthorized,
    /// 403: the app lacks `r_sales_nav_profiles` or Sales Navigator access.
    MissingScope,
    /// 404: no member matches the record.
    NoMatch,
    /// 429: throttled; checked again after a backoff.
    Throttled,
    /// 500 (or another 5xx, or no answer): LinkedIn failed; checked again later.
    ServerError,
}

impl AssociationState {
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Matched => "matched",
            Self::MissingParameter => "missing_parameter",
            Self::CrmSyncNotEnabled => "crm_sync_not_enabled",
            Self::CrmSyncStatusUnknown => "crm_sync_status_unknown",
            Self::Unauthorized => "unauthorized",
            Self::MissingScope => "missing_scope",
            Self::NoMatch => "no_match",
            Self::Throttled => "throttled",
            Self::ServerError => "server_error",
        }
    }

    pub const ALL: [AssociationState; 10] = [
        Self::Pending,
        Self::Matched,
        Self::MissingParameter,
        Self::CrmSyncNotEnabled,
        Self::CrmSyncStatusUnknown,
        Self::Unauthorized,
        Self::MissingScope,
        Self::NoMatch,
        Self::Throttled,
        Self::ServerError,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.name() == name)
    }

    /// What the user reads, and what to do.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Pending => "Not checked yet.",
            Self::Matched => "Matched by Sales Navigator.",
            Self::MissingParameter => {
                "LinkedIn says a part of the CRM record is missing or malformed: check the partner, instance id and record id."
            }
            Self::CrmSyncNotEnabled => {
                "CRM Sync is not enabled for this CRM in Sales Navigator (40001): an admin enables it in Sales Navigator's settings."
            }
            Self::CrmSyncStatusUnknown => {
                "LinkedIn cannot determine whether CRM Sync is enabled (40002): check the instance id, or try again later."
            }
            Self::Unauthorized => {
                "LinkedIn refused the app's token: connect the LinkedIn app again."
            }
            Self::MissingScope => {
                "The app lacks r_sales_nav_profiles or Sales Navigator access: tick the scope, save, and connect again."
            }
            Self::NoMatch => "Sales Navigator has no confident match for this record.",
            Self::Throttled => "LinkedIn is throttling the app: checked again after a pause.",
            Self::ServerError => "LinkedIn failed to answer: checked again later.",
        }
    }
}

/// The outcome of one check: the state, what matched, and when to check again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationOutcome {
    pub state: AssociationState,
    pub member: Option<String>,
    pub profile_url: Option<String>,
    pub photo_url: Option<String>,
    pub message: Option<String>,
    /// `None`: only when the user asks again.
    pub check_after: Option<DateTime<Utc>>,
    /// Consecutive throttled checks, this one included.
    pub throttled: u32,
}

/// First wait after a 429; doubled for each one in a row, at most [`LONGEST_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::minutes(15);
const LONGEST_BACKOFF: Duration = Duration::hours(24);
/// A 5xx or no answer: tried again after this.
const AFTER_SERVER_ERROR: Duration = Duration::hours(1);
/// A match or a miss is looked at again after this (photos change, CRM Sync matches grow).
const RECHECK: Duration = Duration::days(30);

pub fn backoff(throttled_in_a_row: u32) -> Duration {
    let doublings = throttled_in_a_row.saturating_sub(1).min(10);
    (FIRST_BACKOFF * 2_i32.pow(doublings)).min(LONGEST_BACKOFF)
}

fn error_state(status: StatusCode, body: &LinkedInErrorBody) -> AssociationState {
    match (status.as_u16(), body.service_error_code) {
        (400, Some(40001)) => AssociationState::CrmSyncNotEnabled,
        (400, Some(40002)) => AssociationState::CrmSyncStatusUnknown,
        (400, _) => AssociationState::MissingParameter,
        (401, _) => AssociationState::Unauthorized,
        (403, _) => AssociationState::MissingScope,
        (404, _) => AssociationState::NoMatch,
        (429, _) => AssociationState::Throttled,
        _ => AssociationState::ServerError,
    }
}

/// Reads LinkedIn's answer (or its absence) into an outcome at `now`.
pub fn outcome(
    answer: Result<AssociationBody, ApiCallError>,
    throttled_before: u32,
    now: DateTime<Utc>,
) -> AssociationOutcome {
    let none = AssociationOutcome {
        state: AssociationState::ServerError,
        member: None,
        profile_url: None,
        photo_url: None,
        message: None,
        check_after: Some(now + AFTER_SERVER_ERROR),
        throttled: 0,
    };
    match answer {
        Ok(body) => AssociationOutcome {
            state: AssociationState::Matched,
            member: body.member,
            profile_url: body.profile.filter(|url| url.starts_with("https://")),
            photo_url: body.profile_photo.filter(|url| url.starts_with("https://")),
            check_after: Some(now + RECHECK),
            ..none
        },
        Err(ApiCallError::Status { status, body }) => {
            let state = error_state(status, &body);
            let throttled = if state == AssociationState::Throttled {
                throttled_before + 1
            } else {
                0
            };
            let check_after = match state {
                AssociationState::Throttled => Some(now + backoff(throttled)),
                AssociationState::ServerError => Some(now + AFTER_SERVER_ERROR),
                AssociationState::NoMatch => Some(now + RECHECK),
                // The user must act first (fix the record, CRM Sync, the scope, the token).
                _ => None,
            };
            AssociationOutcome {
                state,
                message: Some(body.message).filter(|message| !message.is_empty()),
                check_after,
                throttled,
                ..none
            }
        }
        Err(ApiCallError::Unavailable(reason)) => AssociationOutcome {
            message: Some(reason),
            ..none
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_encoded_inside_the_tuple_only() {
        let key = CrmRecordKey {
            partner: "MS".into(),
            instance_id: "contoso.crm.dynamics.com".into(),
            record_id: "a,b:c".into(),
        };
        assert_eq!(
            key.path_key(),
            "(partner:MS,instanceId:contoso.crm.dynamics.com,recordId:a%2Cb%3Ac)"
        );
    }

    #[test]
    fn throttling_backs_off_doubling_up_to_a_day() {
        assert_eq!(backoff(1), Duration::minutes(15));
        assert_eq!(backoff(2), Duration::minutes(30));
        assert_eq!(backoff(30), Duration::hours(24));
    }

    #[test]
    fn every_state_reads_back_from_its_name() {
        for state in AssociationState::ALL {
            assert_eq!(AssociationState::parse(state.name()), Some(state));
        }
    }
}
