//! The mailbox the fake serves: people, organisations, conversations and their messages.
//!
//! Message bodies and decorations are not stored: they are derived from the account seed and
//! a per-message salt when rendered ([`message::details`]), so a 2000 × 300 account stays small.

mod activity;
mod generate;
pub mod message;
pub mod people;
pub mod text;

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ping_core::ids::{ConversationUrn, ProfileUrn};

use self::message::Attachment;

/// 2026-11-01T00:00:00Z in epoch milliseconds: the newest generated activity.
pub const BASE_MS: i64 = 1_793_491_200_000;

/// The style of a member's generated profile page (voyager-api.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PageStyle {
    /// The Ember app: `h1`, classes and `<code>` data blobs.
    Ember,
    /// flagship-web: `componentkey` anchors, no `h1`.
    ServerDriven,
}

/// A profile picture asset.
#[derive(Debug, Clone)]
pub struct PictureAsset {
    /// The asset id in the URL (`D4E03AQ…`).
    pub asset: String,
    /// Upload time in the URL path (ms).
    pub uploaded_at: i64,
    /// The colour the served image is filled with.
    pub color: [u8; 3],
    /// The CDN refuses requests that do not look like a browser's.
    pub browser_only: bool,
}

/// A member; index 0 of [`Account::members`] is the mailbox owner.
#[derive(Debug, Clone)]
pub struct Member {
    pub urn: ProfileUrn,
    pub member_number: u64,
    pub first_name: String,
    pub last_name: String,
    pub public_identifier: String,
    pub title: String,
    pub company: String,
    pub location: String,
    /// `SELF` for the owner, else `DISTANCE_1..3`.
    pub distance: &'static str,
    pub picture: Option<PictureAsset>,
    pub page_style: PageStyle,
}

impl Member {
    /// `<title> at <company>`.
    pub fn headline(&self) -> String {
        format!("{} at {}", self.title, self.company)
    }
}

/// A sponsor (organisation participant).
#[derive(Debug, Clone)]
pub struct Organization {
    pub company_id: u64,
    pub name: String,
    pub tagline: String,
    pub industry: String,
}

/// Who takes part in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// Index into [`Account::members`] (0 = owner).
    Member(usize),
    /// Index into [`Account::organizations`].
    Org(usize),
}

/// The kind of a conversation, which decides categories and markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ConvKind {
    /// An ordinary 1:1 conversation (`INBOX`, `PRIMARY_INBOX`).
    Regular,
    /// A group chat: `groupChat: true`, more than two participants, a title.
    Group,
    /// Began as InMail (`INBOX`, `PRIMARY_INBOX`, `INMAIL`), `PENDING` or `ACCEPTED`.
    InMail,
    /// A pending message request (`SECONDARY_INBOX`).
    Request,
    /// An organisation's sponsored message (`ARCHIVE`, `INMAIL`).
    Sponsored,
}

impl ConvKind {
    /// The `categories` array.
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            Self::Regular | Self::Group => &["INBOX", "PRIMARY_INBOX"],
            Self::InMail => &["INBOX", "PRIMARY_INBOX", "INMAIL"],
            Self::Request => &["INBOX", "SECONDARY_INBOX", "INMAIL"],
            Self::Sponsored => &["ARCHIVE", "INMAIL"],
        }
    }
}

/// One stored message: the rest is derived from `salt`.
#[derive(Debug, Clone, Copy)]
pub struct Msg {
    /// `deliveredAt` in ms; strictly increasing within a conversation.
    pub at: i64,
    /// Index into the conversation's `parties`.
    pub sender: u8,
    pub salt: u32,
}

/// One conversation of the mailbox.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub index: usize,
    /// `2-<base64>`.
    pub thread_id: String,
    pub urn: ConversationUrn,
    pub kind: ConvKind,
    pub title: Option<String>,
    pub state: Option<&'static str>,
    /// The owner first.
    pub parties: Vec<Party>,
    pub created_at: i64,
    /// Ascending by `at`.
    pub messages: Vec<Msg>,
    /// Whether list answers embed the last message (some items have no `messages` key).
    pub embed_last: bool,
    pub unread: u32,
    /// The account's change sequence number when this conversation last changed.
    pub changed_seq: u64,
    pub deleted: bool,
    /// The user archived it: `ARCHIVE` replaces the inbox categories, without new activity.
    pub archived: bool,
    /// Attachments the control API placed, by message ordinal (the others derive from salts).
    pub placed_attachments: HashMap<usize, Attachment>,
}

impl Conversation {
    /// The `categories` array: the kind's, or `ARCHIVE` (with the kind's markers) once archived.
    pub fn categories(&self) -> Vec<&'static str> {
        let categories = self.kind.categories().iter().copied();
        if self.archived {
            std::iter::once("ARCHIVE")
                .chain(categories.filter(|c| !c.contains("INBOX") && *c != "ARCHIVE"))
                .collect()
        } else {
            categories.collect()
        }
    }

    /// `lastActivityAt`: the last message's `deliveredAt`, else the creation time.
    pub fn last_activity_at(&self) -> i64 {
        self.messages.last().map_or(self.created_at, |m| m.at)
    }

    /// The message id (`2-…`) of the message at `ordinal`.
    pub fn message_id(&self, ordinal: usize) -> String {
        let msg = &self.messages[ordinal];
        let thread = self.thread_id.trim_start_matches("2-");
        let raw = format!(
            "{}b{:05}-{:03}&{}",
            msg.at,
            msg.salt % 100_000,
            ordinal % 1000,
            thread.get(..24).unwrap_or(thread)
        );
        format!("2-{}", STANDARD.encode(raw))
    }

    /// The digital media asset id of the attachment of the message at `ordinal`. It names the
    /// message, so a download finds it without an index; the salt makes guessed ids miss.
    pub fn attachment_asset(&self, ordinal: usize) -> String {
        let salt = self.messages[ordinal].salt;
        format!("D4D06AQ{:X}x{ordinal:X}x{salt:08X}", self.index)
    }
}

/// The whole mailbox plus indexes.
#[derive(Debug, Clone)]
pub struct Account {
    pub seed: u64,
    pub members: Vec<Member>,
    pub organizations: Vec<Organization>,
    pub conversations: Vec<Conversation>,
    /// Live conversations, newest activity first.
    order: Vec<usize>,
    by_thread: HashMap<String, usize>,
    by_member_key: HashMap<String, usize>,
    by_asset: HashMap<String, usize>,
    /// Bumped by every change; sync tokens carry it.
    pub change_seq: u64,
    /// Deleted conversations with the sequence number of their deletion.
    pub deleted: Vec<(u64, ConversationUrn)>,
    activity_rounds: u64,
}

impl Account {
    fn index(
        seed: u64,
        members: Vec<Member>,
        orgs: Vec<Organization>,
        convs: Vec<Conversation>,
    ) -> Self {
        let by_thread = convs
            .iter()
            .map(|c| (c.thread_id.clone(), c.index))
            .collect();
        let mut by_member_key = HashMap::new();
        let mut by_asset = HashMap::new();
        for (i, m) in members.iter().enumerate() {
            by_member_key.insert(m.public_identifier.clone(), i);
            by_member_key.insert(m.urn.id().to_string(), i);
            if let Some(p) = &m.picture {
                by_asset.insert(p.asset.clone(), i);
            }
        }
        let mut account = Self {
            seed,
            members,
            organizations: orgs,
            conversations: convs,
            order: Vec::new(),
            by_thread,
            by_member_key,
            by_asset,
            change_seq: 0,
            deleted: Vec::new(),
            activity_rounds: 0,
        };
        account.resort();
        account
    }

    fn resort(&mut self) {
        let convs = &self.conversations;
        let mut order: Vec<usize> = (0..convs.len()).filter(|&i| !convs[i].deleted).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(convs[i].last_activity_at()), i));
        self.order = order;
    }

    /// The owner.
    pub fn owner(&self) -> &Member {
        &self.members[0]
    }

    /// Live conversations, newest activity first.
    pub fn ordered(&self) -> impl Iterator<Item = &Conversation> {
        self.order.iter().map(|&i| &self.conversations[i])
    }

    /// A live conversation by URN.
    pub fn conversation(&self, urn: &ConversationUrn) -> Option<&Conversation> {
        if urn.mailbox() != &self.owner().urn {
            return None;
        }
        let index = *self.by_thread.get(urn.thread_id())?;
        Some(&self.conversations[index]).filter(|c| !c.deleted)
    }

    /// A member by vanity slug or `ACoA…` id.
    pub fn member(&self, identity: &str) -> Option<&Member> {
        self.by_member_key.get(identity).map(|&i| &self.members[i])
    }

    /// The live conversation and message ordinal an attachment asset id names.
    pub fn attachment_message(&self, asset: &str) -> Option<(&Conversation, usize)> {
        let mut parts = asset.strip_prefix("D4D06AQ")?.split('x');
        let mut number = || usize::from_str_radix(parts.next()?, 16).ok();
        let (index, ordinal) = (number()?, number()?);
        let conv = self.conversations.get(index).filter(|c| !c.deleted)?;
        let known = ordinal < conv.messages.len() && conv.attachment_asset(ordinal) == asset;
        known.then_some((conv, ordinal))
    }

    /// The member whose picture is `asset`.
    pub fn member_by_asset(&self, asset: &str) -> Option<&Member> {
        self.by_asset.get(asset).map(|&i| &self.members[i])
    }
}
