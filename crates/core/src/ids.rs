//! Identifier newtypes. Raw strings from LinkedIn are parsed here once; past this module an
//! identifier is known to be well formed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a valid identifier of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {kind}: {value:?}")]
pub struct IdError {
    /// The kind of identifier that was expected, e.g. "conversation URN".
    pub kind: &'static str,
    /// The rejected input, shortened to 120 characters.
    pub value: String,
}

impl IdError {
    fn new(kind: &'static str, value: &str) -> Self {
        Self {
            kind,
            value: value.chars().take(120).collect(),
        }
    }
}

/// Serialize as the canonical string and parse (validating) on deserialize.
macro_rules! string_serde {
    ($ty:ident) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_string())
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                $ty::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
        impl std::str::FromStr for $ty {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }
    };
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// A member's profile id, the `ACoA…` string inside `urn:li:fsd_profile:<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProfileId(String);

impl ProfileId {
    /// Accepts 6 to 100 characters of `[A-Za-z0-9_-]`.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        if (6..=100).contains(&raw.len()) && raw.chars().all(is_id_char) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IdError::new("profile id", raw))
        }
    }
    /// The bare id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(ProfileId);

/// A member profile, canonically `urn:li:fsd_profile:<id>`.
///
/// Also accepts the legacy `urn:li:fs_miniProfile:<id>` and the messaging participant form
/// `urn:li:msg_messagingParticipant:urn:li:fsd_profile:<id>`, which name the same member.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
// In JSON Schema each identifier is the string its serde impl writes, with a pattern that
// accepts what its `parse` accepts (the backend's OpenAPI tests hold the two together).
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(with = "String", extend("pattern" = r"^(urn:li:fsd_profile:|urn:li:fs_miniProfile:|urn:li:msg_messagingParticipant:urn:li:fsd_profile:)[A-Za-z0-9_-]{6,100}$"))
)]
pub struct ProfileUrn(ProfileId);

impl ProfileUrn {
    const PREFIXES: [&'static str; 3] = [
        "urn:li:fsd_profile:",
        "urn:li:fs_miniProfile:",
        "urn:li:msg_messagingParticipant:urn:li:fsd_profile:",
    ];

    /// Parses any of the accepted forms.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        Self::PREFIXES
            .iter()
            .find_map(|prefix| raw.strip_prefix(prefix))
            .and_then(|id| ProfileId::parse(id).ok())
            .map(Self)
            .ok_or_else(|| IdError::new("profile URN", raw))
    }
    /// The URN for a bare profile id.
    pub fn from_id(id: ProfileId) -> Self {
        Self(id)
    }
    /// The `ACoA…` id.
    pub fn id(&self) -> &ProfileId {
        &self.0
    }
}

impl fmt::Display for ProfileUrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "urn:li:fsd_profile:{}", self.0)
    }
}
string_serde!(ProfileUrn);

/// An organisation that takes part in conversations (sponsored messages), `urn:li:fsd_company:<n>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(with = "String", extend("pattern" = r"^(urn:li:msg_messagingParticipant:)?urn:li:fsd_company:[A-Za-z0-9_-]{1,40}$"))
)]
pub struct CompanyUrn(String);

impl CompanyUrn {
    /// Accepts `urn:li:fsd_company:<id>` and the participant form wrapping it.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let id = raw
            .strip_prefix("urn:li:msg_messagingParticipant:")
            .unwrap_or(raw)
            .strip_prefix("urn:li:fsd_company:")
            .filter(|id| !id.is_empty() && id.len() <= 40 && id.chars().all(is_id_char));
        id.map(|id| Self(id.to_owned()))
            .ok_or_else(|| IdError::new("company URN", raw))
    }
}

impl fmt::Display for CompanyUrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "urn:li:fsd_company:{}", self.0)
    }
}
string_serde!(CompanyUrn);

/// Splits `urn:li:<kind>:(urn:li:fsd_profile:<owner>,<id>)` into owner and id.
fn parse_owned_urn(raw: &str, kind: &str) -> Option<(ProfileUrn, String)> {
    let inner = raw
        .strip_prefix(kind)?
        .strip_prefix('(')?
        .strip_suffix(')')?;
    let (owner, id) = inner.split_once(',')?;
    let owner = ProfileUrn::parse(owner).ok()?;
    let valid = !id.is_empty()
        && id.len() <= 300
        && id
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '(' | ')' | ','));
    valid.then(|| (owner, id.to_owned()))
}

/// A conversation as seen from one mailbox:
/// `urn:li:msg_conversation:(urn:li:fsd_profile:<owner>,<thread id>)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(with = "String", extend("pattern" = r"^urn:li:msg_conversation:\((urn:li:fsd_profile:|urn:li:fs_miniProfile:|urn:li:msg_messagingParticipant:urn:li:fsd_profile:)[A-Za-z0-9_-]{6,100},[\x21-\x27\x2A\x2B\x2D-\x7E]{1,300}\)$"))
)]
pub struct ConversationUrn {
    mailbox: ProfileUrn,
    thread_id: String,
}

impl ConversationUrn {
    /// Parses the full URN.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        parse_owned_urn(raw, "urn:li:msg_conversation:")
            .map(|(mailbox, thread_id)| Self { mailbox, thread_id })
            .ok_or_else(|| IdError::new("conversation URN", raw))
    }
    /// Builds the URN of a thread in a mailbox.
    pub fn new(mailbox: ProfileUrn, thread_id: &str) -> Result<Self, IdError> {
        Self::parse(&format!("urn:li:msg_conversation:({mailbox},{thread_id})"))
    }
    /// The mailbox owner.
    pub fn mailbox(&self) -> &ProfileUrn {
        &self.mailbox
    }
    /// The thread id (`2-…`), the same in `https://www.linkedin.com/messaging/thread/<id>/`.
    pub fn thread_id(&self) -> &str {
        &self.thread_id
    }
}

impl fmt::Display for ConversationUrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "urn:li:msg_conversation:({},{})",
            self.mailbox, self.thread_id
        )
    }
}
string_serde!(ConversationUrn);

/// A message as seen from one mailbox:
/// `urn:li:msg_message:(urn:li:fsd_profile:<owner>,<message id>)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(with = "String", extend("pattern" = r"^urn:li:msg_message:\((urn:li:fsd_profile:|urn:li:fs_miniProfile:|urn:li:msg_messagingParticipant:urn:li:fsd_profile:)[A-Za-z0-9_-]{6,100},[\x21-\x27\x2A\x2B\x2D-\x7E]{1,300}\)$"))
)]
pub struct MessageUrn {
    mailbox: ProfileUrn,
    message_id: String,
}

impl MessageUrn {
    /// Parses the full URN.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        parse_owned_urn(raw, "urn:li:msg_message:")
            .map(|(mailbox, message_id)| Self {
                mailbox,
                message_id,
            })
            .ok_or_else(|| IdError::new("message URN", raw))
    }
    /// Builds the URN of a message in a mailbox.
    pub fn new(mailbox: ProfileUrn, message_id: &str) -> Result<Self, IdError> {
        Self::parse(&format!("urn:li:msg_message:({mailbox},{message_id})"))
    }
    /// The mailbox owner.
    pub fn mailbox(&self) -> &ProfileUrn {
        &self.mailbox
    }
    /// The message id (`2-…`).
    pub fn message_id(&self) -> &str {
        &self.message_id
    }
}

impl fmt::Display for MessageUrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "urn:li:msg_message:({},{})",
            self.mailbox, self.message_id
        )
    }
}
string_serde!(MessageUrn);

/// The vanity slug of a profile URL, `https://www.linkedin.com/in/<public identifier>/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(with = "String", extend("pattern" = r"^(?!ACoA.{26})[\p{Alphabetic}\p{N}%_-]{3,100}$"))
)]
pub struct PublicIdentifier(String);

impl PublicIdentifier {
    /// Accepts 3 to 100 characters of letters (any script, percent-encoded or not), digits, `-`
    /// and `_`. LinkedIn's own `ACoA…` ids are profile ids, not public identifiers, and are
    /// refused so that a slug-less `/in/ACoA…` URL never poses as one.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let valid = (3..=100).contains(&raw.chars().count())
            && raw
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '%'))
            && !(raw.starts_with("ACoA") && raw.len() >= 30);
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IdError::new("public identifier", raw))
        }
    }
    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `https://www.linkedin.com/in/<slug>/`.
    pub fn profile_url(&self) -> String {
        format!("https://www.linkedin.com/in/{}/", self.0)
    }
}

impl fmt::Display for PublicIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(PublicIdentifier);

/// An opaque non-empty token handed out by LinkedIn (paging cursors, sync tokens).
macro_rules! opaque_token {
    ($(#[$doc:meta])* $ty:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $ty(String);

        impl $ty {
            /// Accepts 1 to 4096 printable ASCII characters.
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                if (1..=4096).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_graphic()) {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err(IdError::new($kind, raw))
                }
            }
            /// The token as LinkedIn gave it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        string_serde!($ty);
    };
}

opaque_token!(
    /// A paging cursor (`metadata.nextCursor` / `prevCursor`).
    Cursor,
    "cursor"
);
opaque_token!(
    /// A sync token (`metadata.newSyncToken`).
    SyncToken,
    "sync token"
);
opaque_token!(
    /// What tells one LinkedIn session from another without being it: a digest of the `li_at`
    /// cookie, made by the host. The same fingerprint is the same logged-in member.
    SessionFingerprint,
    "session fingerprint"
);

/// A GraphQL query id, `<name>.<32 lowercase hex>`, e.g. `messengerConversations.0d5e…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueryId {
    name: String,
    hash: String,
}

impl QueryId {
    /// Parses `name.hash`; the name is letters only, the hash 32 hex digits.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let (name, hash) = raw
            .split_once('.')
            .ok_or_else(|| IdError::new("query id", raw))?;
        let valid = !name.is_empty()
            && name.len() <= 80
            && name.chars().all(|c| c.is_ascii_alphabetic())
            && hash.len() == 32
            && hash.chars().all(|c| c.is_ascii_hexdigit());
        if valid {
            Ok(Self {
                name: name.to_owned(),
                hash: hash.to_ascii_lowercase(),
            })
        } else {
            Err(IdError::new("query id", raw))
        }
    }
    /// The stable name part, e.g. `messengerConversations`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The hash part that rotates with LinkedIn's releases.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

impl fmt::Display for QueryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.name, self.hash)
    }
}
string_serde!(QueryId);

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "urn:li:fsd_profile:ACoAAOwner0000000000000000000000000000000";

    #[test]
    fn a_conversation_urn_round_trips_and_exposes_its_parts() {
        let raw = format!("urn:li:msg_conversation:({OWNER},2-ZmFrZS10aHJlYWQ=)");
        let urn = ConversationUrn::parse(&raw).unwrap();
        assert_eq!(urn.to_string(), raw);
        assert_eq!(urn.thread_id(), "2-ZmFrZS10aHJlYWQ=");
        assert_eq!(urn.mailbox().to_string(), OWNER);
    }

    #[test]
    fn a_message_urn_is_not_a_conversation_urn() {
        let raw = format!("urn:li:msg_message:({OWNER},2-bXNn)");
        assert!(MessageUrn::parse(&raw).is_ok());
        assert!(ConversationUrn::parse(&raw).is_err());
    }

    #[test]
    fn profile_urns_in_every_form_name_the_same_member() {
        let id = "ACoAAPeer00000000000000000000000000000000";
        let forms = [
            format!("urn:li:fsd_profile:{id}"),
            format!("urn:li:fs_miniProfile:{id}"),
            format!("urn:li:msg_messagingParticipant:urn:li:fsd_profile:{id}"),
        ];
        for form in forms {
            assert_eq!(
                ProfileUrn::parse(&form).unwrap().to_string(),
                format!("urn:li:fsd_profile:{id}")
            );
        }
    }

    #[test]
    fn malformed_identifiers_are_refused_with_their_kind() {
        assert_eq!(
            ProfileUrn::parse("urn:li:member:123").unwrap_err().kind,
            "profile URN"
        );
        assert!(ConversationUrn::parse("urn:li:msg_conversation:(x,y)").is_err());
        assert!(QueryId::parse("messengerConversations.123").is_err());
        assert!(PublicIdentifier::parse("ACoAAPeer00000000000000000000000000000000").is_err());
        assert!(Cursor::parse("").is_err());
    }

    #[test]
    fn identifiers_deserialize_through_their_parser() {
        let ok: Result<QueryId, _> =
            serde_json::from_str("\"messengerMessages.5846eeb71c981f11e0134cb6626cc314\"");
        assert_eq!(ok.unwrap().name(), "messengerMessages");
        let bad: Result<ProfileUrn, _> = serde_json::from_str("\"urn:li:member:1\"");
        assert!(bad.is_err());
    }
}
