//! What a stored [`Msg`](super::Msg) looks like when rendered, derived from its salt.

use super::text::{self, Attribute, REACTIONS};
use super::{ConvKind, Conversation};
use crate::data::people::SUBJECTS;
use crate::rng::Rng;

/// `messageBodyRenderFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderFormat {
    Default,
    Edited,
    Recalled,
}

impl RenderFormat {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "DEFAULT",
            Self::Edited => "EDITED",
            Self::Recalled => "RECALLED",
        }
    }
}

/// An attachment (`renderContent` item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachment {
    File {
        name: String,
        media_type: String,
        byte_size: u64,
    },
    Image,
    /// A voice message.
    Audio {
        duration_ms: u64,
    },
}

/// A reaction summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionSummary {
    pub emoji: &'static str,
    pub count: u32,
    pub viewer_reacted: bool,
}

/// Everything about a message that is not stored.
#[derive(Debug, Clone)]
pub struct Details {
    pub format: RenderFormat,
    pub body: String,
    pub attributes: Vec<Attribute>,
    pub subject: Option<&'static str>,
    pub attachment: Option<Attachment>,
    pub reactions: Vec<ReactionSummary>,
    /// `actor: null` on this message.
    pub actor_null: bool,
    /// The sender is given in brief form (only `entityUrn`/`hostIdentityUrn`).
    pub brief_sender: bool,
    /// `originToken` (set on the owner's own messages).
    pub origin_token: Option<String>,
}

const FILES: &[(&str, &str, u64)] = &[
    ("deck-v2.pdf", "application/pdf", 482_113),
    (
        "Résumé – 2026.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        88_204,
    ),
    (
        "budget.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        23_551,
    ),
];

/// The rendered details of message `ordinal` of `conv`.
pub fn details(seed: u64, conv: &Conversation, ordinal: usize) -> Details {
    let msg = &conv.messages[ordinal];
    let mut rng = Rng::new(seed ^ u64::from(msg.salt), 77 + ordinal as u64);
    let format = match rng.below(100) {
        0..=2 if conv.kind != ConvKind::Sponsored => RenderFormat::Recalled,
        3..=6 => RenderFormat::Edited,
        _ => RenderFormat::Default,
    };
    let (body, attributes) = text::body(&mut rng);
    let attachment = match (format, rng.below(100)) {
        (RenderFormat::Recalled, _) => None,
        (_, 0..=3) => {
            let (name, media_type, byte_size) = *rng.pick(FILES);
            Some(Attachment::File {
                name: name.to_owned(),
                media_type: media_type.to_owned(),
                byte_size,
            })
        }
        (_, 4..=6) => Some(Attachment::Image),
        // A roll that used to mean no attachment, so the other messages stay as they were.
        (_, 7) => Some(Attachment::Audio {
            duration_ms: 1_000 + u64::from(msg.salt % 5_000),
        }),
        _ => None,
    };
    let reactions = if format != RenderFormat::Recalled && rng.chance(8) {
        vec![ReactionSummary {
            emoji: REACTIONS[rng.index(REACTIONS.len())],
            count: 1 + rng.below(3) as u32,
            viewer_reacted: rng.chance(50),
        }]
    } else {
        Vec::new()
    };
    let first_of_inmail = ordinal == 0
        && matches!(
            conv.kind,
            ConvKind::InMail | ConvKind::Request | ConvKind::Sponsored
        );
    let from_owner = msg.sender == 0;
    let origin_token = from_owner.then(|| {
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            rng.next_u64() as u32,
            rng.below(0x1_0000),
            rng.below(0x1000),
            rng.below(0x1000),
            rng.next_u64() & 0xFFFF_FFFF_FFFF
        )
    });
    // Attachments placed by the control API replace the derived one on a message shown as sent.
    let (format, attachment) = match conv.placed_attachments.get(&ordinal) {
        Some(placed) => (RenderFormat::Default, Some(placed.clone())),
        None => (format, attachment),
    };
    let recalled = format == RenderFormat::Recalled;
    Details {
        format,
        body: if recalled { String::new() } else { body },
        attributes: if recalled { Vec::new() } else { attributes },
        subject: first_of_inmail.then(|| *rng.pick(SUBJECTS)),
        attachment,
        reactions,
        actor_null: rng.chance(5),
        brief_sender: rng.chance(30),
        origin_token,
    }
}
