//! Ground truth for tests: what the fake's mailbox holds right now.

use chrono::{DateTime, Utc};
use ping_core::ids::{ConversationUrn, MessageUrn, ProfileUrn, QueryId};
use serde::Serialize;

use crate::data::{Account, ConvKind, PageStyle, Party};

/// The whole mailbox, conversations newest activity first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The mailbox owner.
    pub owner: ProfileUrn,
    /// Live conversations, newest activity first.
    pub conversations: Vec<SnapshotConversation>,
    /// Every member (the owner first) with what their profile says.
    pub members: Vec<SnapshotMember>,
    /// The query ids answered right now.
    pub live_query_ids: Vec<QueryId>,
}

/// One conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotConversation {
    /// The conversation URN in the owner's mailbox.
    pub urn: ConversationUrn,
    /// `lastActivityAt`: the last message's `deliveredAt` (creation time when empty).
    pub last_activity_at: DateTime<Utc>,
    /// Every message, oldest first.
    pub messages: Vec<MessageUrn>,
    /// Member participants, the owner first (organisations are in `organizations`).
    pub participants: Vec<ProfileUrn>,
    /// `urn:li:fsd_company:<n>` of sponsoring organisations.
    pub organizations: Vec<String>,
    /// `groupChat`.
    pub group_chat: bool,
    /// What kind of thread it is.
    pub kind: ConvKind,
    /// `categories` as served.
    pub categories: Vec<String>,
    /// `title` (group chats).
    pub title: Option<String>,
    /// Whether list answers embed the last message (some items have no `messages` key).
    pub embeds_last_message: bool,
}

/// One member and the profile the fake serves for them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotMember {
    /// `urn:li:fsd_profile:<ACoA id>`.
    pub urn: ProfileUrn,
    /// The vanity slug.
    pub public_identifier: String,
    /// First name as displayed (any script).
    pub first_name: String,
    /// Last name as displayed.
    pub last_name: String,
    /// `<title> at <company>`.
    pub headline: String,
    /// Expected current title (`profileTopPosition`).
    pub title: String,
    /// Expected current company.
    pub company: String,
    /// `geoLocation.geo.defaultLocalizedName`.
    pub location: String,
    /// Whether the member has a display photo.
    pub has_picture: bool,
    /// The CDN answers 403 to non-browser requests for this member's picture.
    pub picture_browser_only: bool,
    /// The style of the generated `/in/<slug>/` page.
    pub page_style: PageStyle,
    /// The mailbox owner.
    pub is_owner: bool,
}

/// Builds the snapshot of an account.
pub fn build(account: &Account, live_query_ids: Vec<QueryId>) -> Snapshot {
    let owner = account.owner().urn.clone();
    let conversations = account
        .ordered()
        .map(|c| SnapshotConversation {
            urn: c.urn.clone(),
            last_activity_at: DateTime::from_timestamp_millis(c.last_activity_at())
                .unwrap_or_default(),
            messages: (0..c.messages.len())
                .filter_map(|i| MessageUrn::new(owner.clone(), &c.message_id(i)).ok())
                .collect(),
            participants: c
                .parties
                .iter()
                .filter_map(|p| match p {
                    Party::Member(i) => Some(account.members[*i].urn.clone()),
                    Party::Org(_) => None,
                })
                .collect(),
            organizations: c
                .parties
                .iter()
                .filter_map(|p| match p {
                    Party::Org(i) => Some(format!(
                        "urn:li:fsd_company:{}",
                        account.organizations[*i].company_id
                    )),
                    Party::Member(_) => None,
                })
                .collect(),
            group_chat: c.kind == ConvKind::Group,
            kind: c.kind,
            categories: c.categories().into_iter().map(str::to_owned).collect(),
            title: c.title.clone(),
            embeds_last_message: c.embed_last && !c.messages.is_empty(),
        })
        .collect();
    let members = account
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| SnapshotMember {
            urn: m.urn.clone(),
            public_identifier: m.public_identifier.clone(),
            first_name: m.first_name.clone(),
            last_name: m.last_name.clone(),
            headline: m.headline(),
            title: m.title.clone(),
            company: m.company.clone(),
            location: m.location.clone(),
            has_picture: m.picture.is_some(),
            picture_browser_only: m.picture.as_ref().is_some_and(|p| p.browser_only),
            page_style: m.page_style,
            is_owner: i == 0,
        })
        .collect();
    Snapshot {
        owner,
        conversations,
        members,
        live_query_ids,
    }
}
