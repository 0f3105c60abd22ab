//! Lead Gen Forms (§3): the notification, the lead's answers as the API returns them, and the
//! per-form mapping of question ids to CRM lead fields.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// LinkedIn's id of one submitted form (`urn:li:leadGenFormResponse:<id>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LeadResponseId(pub String);

/// A lead form's id (the `4311` of `urn:li:leadGenForm:4311`), whatever its version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LeadFormId(pub String);

/// What a Lead Sync notification says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadAction {
    Created,
    /// The member withdrew the lead: delete it downstream.
    Deleted,
}

/// A `LEAD_ACTION` notification, read down to what the CRM uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadNotification {
    pub action: LeadAction,
    pub form: LeadFormId,
    pub response: LeadResponseId,
}

/// Why a notification body is not one this backend handles.
#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("not a JSON notification: {0}")]
    NotJson(String),
    #[error("not a Lead Sync notification (type {0:?})")]
    OtherType(String),
    #[error("a lead notification without a readable {0}")]
    Missing(&'static str),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NotificationBody {
    #[serde(rename = "type")]
    kind: String,
    lead_action: Option<String>,
    lead_gen_form: Option<String>,
    lead_gen_form_response: Option<String>,
}

impl LeadNotification {
    pub fn parse(body: &[u8]) -> Result<Self, NotificationError> {
        let body: NotificationBody = serde_json::from_slice(body)
            .map_err(|error| NotificationError::NotJson(error.to_string()))?;
        if body.kind != "LEAD_ACTION" {
            return Err(NotificationError::OtherType(body.kind));
        }
        let action = match body.lead_action.as_deref() {
            Some("CREATED") => LeadAction::Created,
            Some("DELETED") => LeadAction::Deleted,
            _ => return Err(NotificationError::Missing("leadAction")),
        };
        let form = body
            .lead_gen_form
            .as_deref()
            .and_then(form_id_of)
            .ok_or(NotificationError::Missing("leadGenForm"))?;
        let response = body
            .lead_gen_form_response
            .as_deref()
            .and_then(|urn| urn.strip_prefix("urn:li:leadGenFormResponse:"))
            .filter(|id| !id.is_empty())
            .ok_or(NotificationError::Missing("leadGenFormResponse"))?;
        Ok(Self {
            action,
            form,
            response: LeadResponseId(response.to_owned()),
        })
    }
}

/// `urn:li:versionedLeadGenForm:(urn:li:leadGenForm:4311,2)` or `urn:li:leadGenForm:4311`
/// → `4311`.
pub fn form_id_of(urn: &str) -> Option<LeadFormId> {
    let tail = urn.split("urn:li:leadGenForm:").nth(1)?;
    let id: String = tail.chars().take_while(char::is_ascii_digit).collect();
    (!id.is_empty()).then_some(LeadFormId(id))
}

/// The lead's answers as `GET /rest/leadFormResponses/{id}` returns them.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadFormResponse {
    pub submitter: Option<String>,
    pub submitted_at: i64,
    #[serde(default)]
    pub test_lead: bool,
    pub form_response: FormAnswers,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FormAnswers {
    #[serde(default)]
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub question_id: i64,
    pub answer_details: AnswerDetails,
}

/// Text answers only: the multiple-choice shape is not verified (§3), so those are skipped.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerDetails {
    pub text_question_answer: Option<TextAnswer>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TextAnswer {
    pub answer: String,
}

/// A CRM lead's field a question can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadField {
    FirstName,
    LastName,
    Email,
    Company,
    Title,
    Phone,
    ProfileUrl,
}

impl LeadField {
    pub const ALL: [LeadField; 7] = [
        Self::FirstName,
        Self::LastName,
        Self::Email,
        Self::Company,
        Self::Title,
        Self::Phone,
        Self::ProfileUrl,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Email => "email",
            Self::Company => "company",
            Self::Title => "title",
            Self::Phone => "phone",
            Self::ProfileUrl => "profile_url",
        }
    }
}

/// One form's mapping: question id → CRM lead field.
pub type FieldMapping = BTreeMap<i64, LeadField>;

/// A mapping line the Settings form could not read.
#[derive(Debug, thiserror::Error)]
#[error(
    "line {line}: write `question id = field` with a field among first_name, last_name, email, \
     company, title, phone, profile_url"
)]
pub struct MappingError {
    pub line: usize,
}

/// Reads `1 = first_name` lines (blank lines skipped).
pub fn parse_mapping(text: &str) -> Result<FieldMapping, MappingError> {
    let mut mapping = FieldMapping::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let error = || MappingError { line: index + 1 };
        let (question, field) = line.split_once('=').ok_or_else(error)?;
        let question: i64 = question.trim().parse().map_err(|_| error())?;
        let field = LeadField::ALL
            .into_iter()
            .find(|candidate| candidate.name() == field.trim())
            .ok_or_else(error)?;
        mapping.insert(question, field);
    }
    Ok(mapping)
}

/// The mapping as the Settings form shows it.
pub fn format_mapping(mapping: &FieldMapping) -> String {
    mapping
        .iter()
        .map(|(question, field)| format!("{question} = {}", field.name()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A lead's answers put into CRM fields; every text answer is kept by question id too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MappedLead {
    pub fields: BTreeMap<&'static str, String>,
    pub answers: BTreeMap<i64, String>,
}

impl MappedLead {
    pub fn field(&self, field: LeadField) -> Option<&str> {
        self.fields.get(field.name()).map(String::as_str)
    }
}

pub fn map_answers(response: &LeadFormResponse, mapping: &FieldMapping) -> MappedLead {
    let mut lead = MappedLead::default();
    for answer in &response.form_response.answers {
        let Some(text) = &answer.answer_details.text_question_answer else {
            continue;
        };
        let value = text.answer.trim().to_owned();
        if let Some(field) = mapping.get(&answer.question_id) {
            lead.fields.insert(field.name(), value.clone());
        }
        lead.answers.insert(answer.question_id, value);
    }
    lead
}

/// The public identifier of a `linkedin.com/in/<id>` URL, to match a contact.
pub fn public_identifier_of(profile_url: &str) -> Option<String> {
    let url = url::Url::parse(profile_url.trim()).ok()?;
    let host = url.host_str()?;
    if host != "linkedin.com" && !host.ends_with(".linkedin.com") {
        return None;
    }
    let mut segments = url.path_segments()?;
    (segments.next()? == "in")
        .then(|| segments.next())
        .flatten()
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_names_its_form_and_response() {
        let body = br#"{"type":"LEAD_ACTION","leadAction":"CREATED","occurredAt":1718000000000,
            "leadGenForm":"urn:li:versionedLeadGenForm:(urn:li:leadGenForm:4311,2)",
            "leadGenFormResponse":"urn:li:leadGenFormResponse:7e1c2a90"}"#;
        let notification = LeadNotification::parse(body).unwrap();
        assert_eq!(notification.action, LeadAction::Created);
        assert_eq!(notification.form, LeadFormId("4311".into()));
        assert_eq!(notification.response, LeadResponseId("7e1c2a90".into()));
    }

    #[test]
    fn other_notifications_are_refused() {
        let body = br#"{"type":"ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS","notifications":[]}"#;
        assert!(matches!(
            LeadNotification::parse(body),
            Err(NotificationError::OtherType(_))
        ));
    }

    #[test]
    fn mappings_read_back_as_written() {
        let mapping = parse_mapping("1 = first_name\n\n3=email\n").unwrap();
        assert_eq!(format_mapping(&mapping), "1 = first_name\n3 = email");
        assert_eq!(parse_mapping("1 = shoe size").unwrap_err().line, 1);
        assert_eq!(parse_mapping("x = email").unwrap_err().line, 1);
    }

    #[test]
    fn profile_urls_give_their_public_identifier() {
        assert_eq!(
            public_identifier_of("https://www.linkedin.com/in/ada-l/").as_deref(),
            Some("ada-l")
        );
        assert_eq!(public_identifier_of("https://evil.example/in/ada"), None);
    }
}
