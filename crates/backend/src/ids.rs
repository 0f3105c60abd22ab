//! Newtype ids of the backend's own rows. LinkedIn's identifiers live in `ping_core::ids`.

use serde::{Deserialize, Serialize};

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

row_id!(
    /// A web account of the CRM.
    UserId
);
row_id!(
    /// A person or organisation in the CRM.
    ContactId
);
row_id!(
    /// A stored conversation.
    ConversationId
);
row_id!(
    /// A paired browser's extension token.
    TokenId
);
row_id!(
    /// A queued avatar download.
    AvatarJobId
);
row_id!(
    /// An API key a user created for other programs.
    ApiKeyId
);
