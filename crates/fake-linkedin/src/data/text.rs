//! Message bodies: plain, multi-line, accented, emoji, right-to-left and CJK text, some with
//! formatting attributes.

use crate::rng::Rng;

const BODIES: &[&str] = &[
    "Thanks, talk Tuesday?",
    "Hi! Great to connect 🙂",
    "Sounds good — I'll send the deck tonight.",
    "Merci beaucoup, à bientôt !",
    "Können wir das auf nächste Woche verschieben?",
    "شكراً جزيلاً، سأرسل لك التفاصيل غداً",
    "תודה רבה! נדבר מחר",
    "来週の打ち合わせ、よろしくお願いします。",
    "Congrats on the new role 🎉🎉",
    "Line one\nLine two\n\nA new paragraph after a blank line.",
    "Are you free for a quick call? 📞",
    "👍",
    "Here is the agenda:\n1. Intro\n2. Demo\n3. Next steps",
    "Can you share the contract (v2, final)? Thanks!",
    "Mixed: hello مرحبا שלום 你好 👋",
    "Let's grab coffee ☕ at Café Olé next week.",
    "I'm reaching out because we're hiring engineers in Lisbon 🇵🇹",
    "Quick follow-up on my last message.",
];

/// Formatting of a range of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeKind {
    Bold,
    Hyperlink(String),
}

/// A formatted range, in characters of an ASCII prefix (so units do not matter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub start: usize,
    pub length: usize,
    pub kind: AttributeKind,
}

/// A body and its attributes.
pub fn body(rng: &mut Rng) -> (String, Vec<Attribute>) {
    match rng.below(12) {
        0 => {
            let url = "https://example.com/deck";
            let text = format!("Deck: {url} — feedback welcome!");
            let attribute = Attribute {
                start: 6,
                length: url.len(),
                kind: AttributeKind::Hyperlink(url.to_owned()),
            };
            (text, vec![attribute])
        }
        1 => {
            let text = "Important: the meeting moved to 3pm.".to_owned();
            let attribute = Attribute {
                start: 0,
                length: 9,
                kind: AttributeKind::Bold,
            };
            (text, vec![attribute])
        }
        _ => ((*rng.pick(BODIES)).to_owned(), Vec::new()),
    }
}

/// Emoji used in reactions.
pub const REACTIONS: &[&str] = &["👍", "❤️", "😂", "🎉", "👏"];
