//! The domain: what a sync learns from LinkedIn, independent of Voyager's JSON shapes.
//!
//! These types are also the records the extension pushes to the backend (through
//! `ping-protocol`), so they serialize in camelCase with RFC 3339 timestamps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{
    CompanyUrn, ConversationUrn, Cursor, MessageUrn, ProfileUrn, PublicIdentifier, SyncToken,
};

/// The LinkedIn account whose mailbox is synced (from `/voyager/api/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// The mailbox owner; every conversation and message URN is scoped to it.
    pub profile: ProfileUrn,
    /// The owner's first name, as shown on LinkedIn.
    pub first_name: String,
    /// The owner's last name, as shown on LinkedIn.
    pub last_name: String,
    /// The owner's headline (LinkedIn's `occupation`), e.g. "Founder at Demo Ltd".
    pub headline: Option<String>,
    /// The vanity slug of the owner's profile URL (`/in/<slug>/`), when `/me` gave it.
    pub public_identifier: Option<PublicIdentifier>,
}

/// Who a participant is: a member, or an organisation (sponsored messages).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "urn", rename_all = "camelCase")]
pub enum ParticipantId {
    /// A LinkedIn member (`urn:li:fsd_profile:…`); becomes a CRM contact.
    Member(ProfileUrn),
    /// A company page (`urn:li:fsd_company:…`), the sender of sponsored messages.
    Organization(CompanyUrn),
}

/// One person or organisation in a conversation, as the messaging API describes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// The member or organisation, from the participant's `hostIdentityUrn`.
    pub id: ParticipantId,
    /// True for the mailbox owner (`distance: SELF`).
    pub is_self: bool,
    /// The member's first name; `None` for organisations.
    pub first_name: Option<String>,
    /// The member's last name; `None` for organisations.
    pub last_name: Option<String>,
    /// Organisation name, or the member's full name when only that is known.
    pub display_name: String,
    /// The member's headline (the "job title" line under the name), or an organisation's tagline.
    pub headline: Option<String>,
    /// `https://www.linkedin.com/in/<ACoA id>` for members (not the vanity slug).
    pub profile_url: Option<String>,
    /// `DISTANCE_1`, `DISTANCE_2`, … as LinkedIn reports it.
    pub distance: Option<String>,
    /// The member's profile photo or the organisation's logo.
    pub picture: Option<Picture>,
}

/// A picture in several sizes (LinkedIn's `VectorImage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Picture {
    /// Stable id of the photo (from `displayImageUrn` or the `rootUrl`), to know when it changed.
    pub asset_id: Option<String>,
    /// The sizes on offer, each with its own signed URL.
    pub artifacts: Vec<Artifact>,
}

/// One size of a picture. The URL is signed and stops working after `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    /// Pixel width; 0 when unknown (a URL read from a page).
    pub width: u32,
    /// Pixel height; 0 when unknown.
    pub height: u32,
    /// `rootUrl + fileIdentifyingUrlPathSegment`, verbatim.
    pub url: String,
    /// When the signed URL stops working (the `e=` / `expiresAt` of the artifact); the CDN then
    /// answers 403.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Picture {
    /// The artifact to download: the smallest at least `min_width` wide, else the largest.
    pub fn best(&self, min_width: u32) -> Option<&Artifact> {
        let wide_enough = self
            .artifacts
            .iter()
            .filter(|a| a.width >= min_width)
            .min_by_key(|a| a.width);
        wide_enough.or_else(|| self.artifacts.iter().max_by_key(|a| a.width))
    }
}

/// What kind of thread this is, from its categories and markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ConversationKind {
    /// An ordinary 1:1 or group conversation.
    Regular,
    /// Began as InMail (`INMAIL` category, or an InMail label).
    InMail,
    /// An advertiser's message (organisation participant, `Sponsored` label or ad content).
    Sponsored,
    /// A pending message request (`SECONDARY_INBOX`).
    MessageRequest,
}

/// A conversation as the conversation list reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// The thread as seen from the mailbox owner's account (`urn:li:msg_conversation:…`).
    pub urn: ConversationUrn,
    /// `urn:li:messagingThread:<thread id>` when given.
    pub backend_urn: Option<String>,
    /// Regular, InMail, sponsored or a pending message request.
    pub kind: ConversationKind,
    /// True for a group conversation (usually with a title and more than two participants).
    pub group_chat: bool,
    /// The group's name; also set on some 1:1 threads.
    pub title: Option<String>,
    /// LinkedIn's folders for the thread verbatim, e.g. `INBOX`, `PRIMARY_INBOX`, `INMAIL`.
    pub categories: Vec<String>,
    /// InMail state: `PENDING`, `ACCEPTED`, `DECLINED`.
    pub state: Option<String>,
    /// Whether the owner has read the thread on LinkedIn.
    pub read: bool,
    /// Messages the owner has not read yet.
    pub unread_count: u32,
    /// When the thread was started, when LinkedIn said.
    pub created_at: Option<DateTime<Utc>>,
    /// The newest activity (normally the last message's `deliveredAt`); the list is ordered by it
    /// and the sync's watermark compares against it.
    pub last_activity_at: DateTime<Utc>,
    /// Every participant, the mailbox owner included.
    pub participants: Vec<Participant>,
}

impl Conversation {
    /// The messaging folder the thread sits in on LinkedIn, from its categories.
    pub fn folder(&self) -> ConversationFolder {
        ConversationFolder::from_labels(self.categories.iter().map(String::as_str))
    }
}

/// Where a conversation sits in LinkedIn's messaging, as a CRM user would name it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ConversationFolder {
    /// The main inbox: LinkedIn's "Focused" tab (`PRIMARY_INBOX`).
    #[default]
    Inbox,
    /// LinkedIn's "Other" tab (`SECONDARY_INBOX`), pending message requests included.
    Other,
    /// Archived by the owner (`ARCHIVE`); LinkedIn also files sponsored messages there.
    Archived,
    /// Marked as spam (`SPAM`).
    Spam,
}

impl ConversationFolder {
    /// Every folder, in the order LinkedIn's messaging lists them.
    pub const ALL: [ConversationFolder; 4] = [Self::Inbox, Self::Other, Self::Archived, Self::Spam];

    /// The folder named by LinkedIn's labels: a conversation's categories, or the `FOLDER`
    /// values of a data export's messages (`INBOX`, `ARCHIVE`, `SPAM`). Spam wins over
    /// archived, archived over the other tab; anything else is the inbox.
    pub fn from_labels<'a>(labels: impl IntoIterator<Item = &'a str>) -> Self {
        labels
            .into_iter()
            .map(|label| match label {
                "SPAM" => Self::Spam,
                "ARCHIVE" => Self::Archived,
                "SECONDARY_INBOX" => Self::Other,
                _ => Self::Inbox,
            })
            .max_by_key(|folder| folder.precedence())
            .unwrap_or_default()
    }

    /// How strongly a label places a thread: a thread in spam is in spam, whatever else it is.
    fn precedence(self) -> u8 {
        match self {
            Self::Inbox => 0,
            Self::Other => 1,
            Self::Archived => 2,
            Self::Spam => 3,
        }
    }

    /// The name it is stored and linked by (its serde name), e.g. `archived`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbox => "inbox",
            Self::Other => "other",
            Self::Archived => "archived",
            Self::Spam => "spam",
        }
    }

    /// The folder of a stored or linked name; `None` for any other text.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|folder| folder.as_str() == name)
    }
}

/// How a message body is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum MessageState {
    /// An ordinary message, as sent.
    Normal,
    /// Changed by its author after sending; the body is the edited text.
    Edited,
    /// Unsent by its author: the body is gone.
    Recalled,
    /// Written by LinkedIn (e.g. "X joined the conversation").
    System,
}

/// What an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum AttachmentKind {
    /// A document sent as a file (`file`), with name, type and size.
    File,
    /// A picture sent in the conversation (`vectorImage`).
    Image,
    /// A video clip; the URL is its widest stream.
    Video,
    /// A voice message.
    Audio,
    /// GIFs and other external media.
    ExternalMedia,
    /// A shared feed post or InMail host reference.
    SharedPost,
    /// A forwarded message; its text is kept in `name`.
    Forwarded,
    /// A quote of the message replied to; its text is kept in `name`.
    Reply,
    /// A render item this version does not know; its key is kept in `name`.
    Other,
}

impl AttachmentKind {
    /// The name it is stored by (its serde name), e.g. `externalMedia`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Image => "image",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::ExternalMedia => "externalMedia",
            Self::SharedPost => "sharedPost",
            Self::Forwarded => "forwarded",
            Self::Reply => "reply",
            Self::Other => "other",
        }
    }
}

/// Metadata of an attachment; the bytes stay on LinkedIn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// What the render item was.
    pub kind: AttachmentKind,
    /// File name or title; the quoted text of forwards and replies, the host URN of a shared post,
    /// the render key of an unknown item.
    pub name: Option<String>,
    /// MIME type, e.g. `application/pdf`, when LinkedIn gave it.
    pub media_type: Option<String>,
    /// Size in bytes, when LinkedIn gave it.
    pub byte_size: Option<u64>,
    /// Where to open it on LinkedIn; message files (`/dms/prv/…`) are short-lived and need the
    /// owner's session.
    pub url: Option<String>,
}

/// How often one emoji was used on a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    /// The emoji itself, e.g. "👍".
    pub emoji: String,
    /// How many participants reacted with it.
    pub count: u32,
    /// Whether the mailbox owner is one of them.
    pub viewer_reacted: bool,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// The message as seen from the owner's account (`urn:li:msg_message:…`); the CRM's key for it.
    pub urn: MessageUrn,
    /// The thread the message belongs to.
    pub conversation: ConversationUrn,
    /// Resolved through the conversation's participants when the message carried only a brief
    /// sender; `None` when LinkedIn gave none.
    pub sender: Option<ParticipantId>,
    /// When LinkedIn delivered it (`deliveredAt`).
    pub delivered_at: DateTime<Utc>,
    /// The subject line of an InMail; `None` for ordinary messages.
    pub subject: Option<String>,
    /// Plain text; `\n` separates lines. Empty for recalled messages.
    pub body: String,
    /// Whether the body is as sent, edited, recalled or written by LinkedIn.
    pub state: MessageState,
    /// Files, pictures, shared posts and other render items, as metadata.
    pub attachments: Vec<Attachment>,
    /// Emoji reactions, one entry per emoji.
    pub reactions: Vec<Reaction>,
}

/// What is known about a member from a profile lookup or a visited profile page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The member (`urn:li:fsd_profile:…`); `None` when a page did not reveal it.
    pub urn: Option<ProfileUrn>,
    /// The vanity slug of the profile URL (`/in/<slug>/`), which the messaging API does not give.
    pub public_identifier: Option<PublicIdentifier>,
    /// First name, from a profile lookup.
    pub first_name: Option<String>,
    /// Last name, from a profile lookup.
    pub last_name: Option<String>,
    /// The full name as displayed (pages show only this).
    pub full_name: Option<String>,
    /// The headline under the member's name.
    pub headline: Option<String>,
    /// Current position title.
    pub title: Option<String>,
    /// Current company name.
    pub company: Option<String>,
    /// Where the member says they are, e.g. "Berlin, Germany".
    pub location: Option<String>,
    /// The profile photo.
    pub picture: Option<Picture>,
}

/// A record a parser could not read. It is reported and skipped; the rest of the page stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// Position in the page's `elements`.
    pub index: usize,
    /// The record's `entityUrn`, when it had a readable one.
    pub urn: Option<String>,
    /// Why it could not be read, for the run report.
    pub reason: String,
}

/// One page of the conversation list, newest activity first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    /// The conversations on the page, each with its participants.
    pub conversations: Vec<Conversation>,
    /// The last message of each conversation, when the list embedded it.
    pub last_messages: Vec<Message>,
    /// The cursor to the next, older page (`metadata.nextCursor`); `None` at the end of the list.
    pub next_cursor: Option<Cursor>,
    /// The sync token to send next time for a delta (`metadata.newSyncToken`).
    pub new_sync_token: Option<SyncToken>,
    /// Conversations deleted since the sync token that was sent.
    pub deleted: Vec<ConversationUrn>,
    /// LinkedIn's `shouldClearCache`: the answer is not a delta since the token sent (an old
    /// one, say), so it cannot stand in for a listing.
    pub should_clear_cache: bool,
    /// Records on the page that could not be read.
    pub skipped: Vec<Skipped>,
}

/// One page of a conversation's messages, in the order LinkedIn sent them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    /// The messages on the page; their order is not to be relied on.
    pub messages: Vec<Message>,
    /// The cursor to older messages (`metadata.prevCursor`), followed to walk a thread back.
    pub prev_cursor: Option<Cursor>,
    /// The cursor to newer messages (`metadata.nextCursor`); the sync does not follow it.
    pub next_cursor: Option<Cursor>,
    /// Messages on the page that could not be read.
    pub skipped: Vec<Skipped>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &[&'static str]) -> ConversationFolder {
        ConversationFolder::from_labels(names.iter().copied())
    }

    #[test]
    fn each_category_set_linkedin_sends_lands_in_its_folder() {
        // The category sets of voyager-api.md §5.6, and SPAM.
        let cases = [
            (&["INBOX", "PRIMARY_INBOX"][..], ConversationFolder::Inbox),
            (
                &["INBOX", "PRIMARY_INBOX", "INMAIL"],
                ConversationFolder::Inbox,
            ),
            (
                &["INBOX", "SECONDARY_INBOX", "INMAIL"],
                ConversationFolder::Other,
            ),
            (&["ARCHIVE", "INMAIL"], ConversationFolder::Archived),
            (&["INBOX", "SPAM"], ConversationFolder::Spam),
            (&[], ConversationFolder::Inbox),
        ];
        for (categories, folder) in cases {
            assert_eq!(labels(categories), folder, "{categories:?}");
        }
    }

    #[test]
    fn spam_wins_over_archive_and_archive_over_the_other_tab() {
        assert_eq!(
            labels(&["SECONDARY_INBOX", "ARCHIVE", "SPAM"]),
            ConversationFolder::Spam
        );
        assert_eq!(
            labels(&["ARCHIVE", "SECONDARY_INBOX"]),
            ConversationFolder::Archived
        );
        assert_eq!(
            labels(&["SECONDARY_INBOX", "PRIMARY_INBOX"]),
            ConversationFolder::Other
        );
    }

    #[test]
    fn a_conversation_reads_its_folder_from_its_categories() {
        let conversation: Conversation = serde_json::from_value(serde_json::json!({
            "urn": "urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAOwner,2-abc)",
            "backendUrn": null, "kind": "messageRequest", "groupChat": false, "title": null,
            "categories": ["INBOX", "SECONDARY_INBOX", "INMAIL"], "state": "PENDING",
            "read": false, "unreadCount": 1, "createdAt": null,
            "lastActivityAt": "2026-01-02T03:04:05Z", "participants": []
        }))
        .unwrap();
        assert_eq!(conversation.folder(), ConversationFolder::Other);
    }

    #[test]
    fn folder_names_read_back_and_match_the_serde_names() {
        for folder in ConversationFolder::ALL {
            assert_eq!(ConversationFolder::parse(folder.as_str()), Some(folder));
            assert_eq!(serde_json::to_value(folder).unwrap(), folder.as_str());
        }
        assert_eq!(ConversationFolder::parse("Inbox"), None);
    }
}
