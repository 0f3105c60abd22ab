//! Changes to a generated account: new messages arriving, conversations deleted.

use ping_core::ids::ConversationUrn;

use super::{Account, ConvKind, Msg};
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
