//! Changes to a generated account: new messages arriving, conversations deleted.

use ping_core::ids::ConversationUrn;

use super::generate::thread_id;
use super::message::Attachment;
use super::{Account, ConvKind, Conversation, Msg, Party};
use crate::rng::Rng;

impl Account {
    /// New messages from the other participants arrive at `now_ms` in `count` conversations
    /// (not those already on top when possible), which move to the top of the list.
    pub fn add_activity(&mut self, count: usize, each: usize, now_ms: i64) -> Vec<ConversationUrn> {
        self.activity_rounds += 1;
        let mut rng = Rng::new(self.seed, 1_000_000 + self.activity_rounds);
        let eligible: Vec<usize> = self
            .order
            .iter()
            .copied()
            .filter(|&i| self.conversations[i].kind != ConvKind::Sponsored)
            .collect();
        let skip = if eligible.len() > 2 * count { count } else { 0 };
        let mut pool: Vec<usize> = eligible[skip..].to_vec();
        let top = self
            .order
            .first()
            .map_or(0, |&i| self.conversations[i].last_activity_at());
        let mut at = now_ms.max(top + 1);
        let mut touched = Vec::new();
        while touched.len() < count && !pool.is_empty() {
            let index = pool.swap_remove(rng.index(pool.len()));
            self.change_seq += 1;
            let conv = &mut self.conversations[index];
            let peers = conv.parties.len().saturating_sub(1).max(1);
            for _ in 0..each {
                let sender = u8::try_from(1 + rng.index(peers)).unwrap_or(1);
                let salt = u32::try_from(rng.below(u64::from(u32::MAX))).unwrap_or(0);
                conv.messages.push(Msg { at, sender, salt });
                at += 1;
            }
            conv.unread += u32::try_from(each).unwrap_or(u32::MAX);
            conv.embed_last = true;
            conv.changed_seq = self.change_seq;
            touched.push(conv.urn.clone());
        }
        self.resort();
        touched
    }

    /// A new 1:1 conversation in the inbox, newest of all, where a member sends one message per
    /// attachment at `now_ms`. Returns its index.
    pub fn add_attachment_conversation(
        &mut self,
        attachments: Vec<Attachment>,
        now_ms: i64,
    ) -> usize {
        self.activity_rounds += 1;
        let mut rng = Rng::new(self.seed, 1_000_000 + self.activity_rounds);
        let top = self
            .order
            .first()
            .map_or(0, |&i| self.conversations[i].last_activity_at());
        let first_at = now_ms.max(top + 1);
        let messages: Vec<Msg> = (0..attachments.len())
            .map(|ordinal| Msg {
                at: first_at + i64::try_from(ordinal).unwrap_or(0),
                sender: 1,
                salt: u32::try_from(rng.below(u64::from(u32::MAX))).unwrap_or(0),
            })
            .collect();
        let thread_id = thread_id(&mut rng);
        let urn = ConversationUrn::new(self.owner().urn.clone(), &thread_id)
            .expect("a generated thread id makes a valid conversation urn");
        let peer = 1 + rng.index(self.members.len() - 1);
        let index = self.conversations.len();
        self.change_seq += 1;
        self.by_thread.insert(thread_id.clone(), index);
        self.conversations.push(Conversation {
            index,
            thread_id,
            urn,
            kind: ConvKind::Regular,
            title: None,
            state: None,
            parties: vec![Party::Member(0), Party::Member(peer)],
            created_at: first_at - 1,
            unread: u32::try_from(messages.len()).unwrap_or(u32::MAX),
            embed_last: !messages.is_empty(),
            messages,
            changed_seq: self.change_seq,
            deleted: false,
            archived: false,
            placed_attachments: attachments.into_iter().enumerate().collect(),
        });
        self.resort();
        index
    }

    /// The user archives the `count` ordinary conversations just below the top, without new
    /// activity: only sync-token answers show the change to a client past them.
    pub fn archive_conversations(&mut self, count: usize) -> Vec<ConversationUrn> {
        let victims: Vec<usize> = self
            .order
            .iter()
            .skip(1)
            .copied()
            .filter(|&i| self.conversations[i].kind == ConvKind::Regular)
            .filter(|&i| !self.conversations[i].archived)
            .take(count)
            .collect();
        let mut archived = Vec::new();
        for index in victims {
            self.change_seq += 1;
            let conv = &mut self.conversations[index];
            conv.archived = true;
            conv.changed_seq = self.change_seq;
            archived.push(conv.urn.clone());
        }
        archived
    }

    /// Deletes the `count` conversations just below the top (they show up in `deletedUrns`).
    pub fn delete_conversations(&mut self, count: usize) -> Vec<ConversationUrn> {
        let victims: Vec<usize> = self.order.iter().skip(1).take(count).copied().collect();
        let mut gone = Vec::new();
        for index in victims {
            self.change_seq += 1;
            let conv = &mut self.conversations[index];
            conv.deleted = true;
            self.deleted.push((self.change_seq, conv.urn.clone()));
            gone.push(conv.urn.clone());
        }
        self.resort();
        gone
    }
}
