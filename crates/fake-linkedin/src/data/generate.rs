//! Deterministic generation of an [`Account`] from an [`AccountSpec`].

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ping_core::ids::{ConversationUrn, ProfileId, ProfileUrn};

use super::people::{self, GROUP_TITLES, ORGANIZATIONS};
use super::{
    Account, BASE_MS, ConvKind, Conversation, Member, Msg, Organization, PageStyle, Party,
    PictureAsset,
};
use crate::config::{AccountSpec, Mix};
use crate::rng::Rng;

const ID_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const HOUR_MS: i64 = 3_600_000;

fn profile_urn(rng: &mut Rng) -> ProfileUrn {
    let tail: String = (0..34).map(|_| char::from(*rng.pick(ID_CHARS))).collect();
    let id = ProfileId::parse(&format!("ACoAA{tail}"));
    ProfileUrn::from_id(id.expect("39 characters of [A-Za-z0-9_-] are a valid profile id"))
}

fn member(rng: &mut Rng, ordinal: usize) -> Member {
    let person = people::person(rng, ordinal);
    let picture = (ordinal == 0 || rng.chance(85)).then(|| PictureAsset {
        asset: format!(
            "D4E03AQ{}",
            (0..12)
                .map(|_| char::from(*rng.pick(&ID_CHARS[..62])))
                .collect::<String>()
        ),
        uploaded_at: BASE_MS - i64::try_from(rng.below(400 * 24 * 3600)).unwrap_or(0) * 1000,
        color: [
            rng.below(200) as u8 + 40,
            rng.below(200) as u8 + 40,
            rng.below(200) as u8 + 40,
        ],
        browser_only: ordinal % 4 == 3,
    });
    Member {
        urn: profile_urn(rng),
        member_number: 900_000_000 + ordinal as u64,
        first_name: person.first_name,
        last_name: person.last_name,
        public_identifier: person.slug,
        title: person.title,
        company: person.company,
        location: person.location,
        distance: match (ordinal, rng.below(10)) {
            (0, _) => "SELF",
            (_, 0..=6) => "DISTANCE_1",
            (_, 7..=8) => "DISTANCE_2",
            _ => "DISTANCE_3",
        },
        picture,
        page_style: if ordinal.is_multiple_of(2) {
            PageStyle::Ember
        } else {
            PageStyle::ServerDriven
        },
    }
}

fn kind_for(rank: usize, rng: &mut Rng, mix: Mix) -> ConvKind {
    const FIRST: [ConvKind; 5] = [
        ConvKind::Regular,
        ConvKind::Group,
        ConvKind::InMail,
        ConvKind::Sponsored,
        ConvKind::Request,
    ];
    if let Some(kind) = FIRST.get(rank) {
        return *kind;
    }
    let roll = rng.below(100);
    let bounds = [
        (mix.group, ConvKind::Group),
        (mix.inmail, ConvKind::InMail),
        (mix.request, ConvKind::Request),
        (mix.sponsored, ConvKind::Sponsored),
    ];
    let mut limit = 0;
    for (share, kind) in bounds {
        limit += u64::from(share);
        if roll < limit {
            return kind;
        }
    }
    ConvKind::Regular
}

pub(super) fn thread_id(rng: &mut Rng) -> String {
    let uuid = format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        rng.next_u64() as u32,
        rng.below(0x1_0000),
        rng.below(0x1000),
        rng.below(0x1000),
        rng.next_u64() & 0xFFFF_FFFF_FFFF
    );
    format!(
        "2-{}",
        STANDARD.encode(format!("{uuid}_{:03}", rng.below(1000)))
    )
}

/// A gap between two messages: seconds to days.
fn gap(rng: &mut Rng) -> i64 {
    let ms = match rng.below(10) {
        0..=3 => rng.between(1_000, 600_000),
        4..=7 => rng.between(600_000, 20 * 3_600_000),
        _ => rng.between(20 * 3_600_000, 5 * 24 * 3_600_000),
    };
    i64::try_from(ms).unwrap_or(1_000)
}

impl Account {
    /// Generates the account; the same spec always gives the same account.
    pub fn generate(spec: &AccountSpec, mix: Mix) -> Account {
        let mut rng = Rng::new(spec.seed, 0);
        let member_count = spec.conversations + 9;
        let members: Vec<Member> = (0..member_count).map(|i| member(&mut rng, i)).collect();
        let owner = members[0].urn.clone();
        let orgs: Vec<Organization> = ORGANIZATIONS
            .iter()
            .enumerate()
            .map(|(i, (name, tagline, industry))| Organization {
                company_id: 10_450_000 + i as u64 * 7,
                name: (*name).to_owned(),
                tagline: (*tagline).to_owned(),
                industry: (*industry).to_owned(),
            })
            .collect();
        let mut next_peer = 1;
        let mut conversations = Vec::with_capacity(spec.conversations);
        let (low, high) = (
            *spec.messages_per_conversation.start(),
            *spec.messages_per_conversation.end(),
        );
        for rank in 0..spec.conversations {
            let kind = kind_for(rank, &mut rng, mix);
            let mut parties = vec![Party::Member(0)];
            match kind {
                ConvKind::Sponsored => parties.push(Party::Org(rng.index(orgs.len()))),
                ConvKind::Group => {
                    let size = rng.between(2, 5) as usize;
                    while parties.len() <= size {
                        let candidate = Party::Member(1 + rng.index(member_count - 1));
                        if !parties.contains(&candidate) {
                            parties.push(candidate);
                        }
                    }
                }
                _ => {
                    parties.push(Party::Member(next_peer));
                    next_peer += 1;
                }
            }
            let state = match kind {
                ConvKind::InMail if rng.chance(40) => Some("PENDING"),
                ConvKind::InMail => Some("ACCEPTED"),
                ConvKind::Request => Some("PENDING"),
                _ => None,
            };
            let slot = i64::try_from(rank).unwrap_or(0) * HOUR_MS;
            let last = BASE_MS - slot - i64::try_from(rng.below(3_500_000)).unwrap_or(0);
            let count = rng.between(low as u64, high as u64) as usize;
            let mut times = Vec::with_capacity(count);
            let mut at = last;
            for _ in 0..count {
                times.push(at);
                at -= gap(&mut rng);
            }
            times.reverse();
            let incoming_only = kind == ConvKind::Sponsored || state == Some("PENDING");
            let peers = parties.len() - 1;
            let messages: Vec<Msg> = times
                .into_iter()
                .enumerate()
                .map(|(ordinal, at)| {
                    let from_owner = ordinal > 0 && !incoming_only && rng.chance(35);
                    let sender = if from_owner { 0 } else { 1 + rng.index(peers) };
                    Msg {
                        at,
                        sender: u8::try_from(sender).unwrap_or(1),
                        salt: rng.next_u64() as u32,
                    }
                })
                .collect();
            let created_at = messages
                .first()
                .map_or(last, |m| m.at - 1 - rng.below(3_600_000) as i64);
            let thread_id = thread_id(&mut rng);
            let urn = ConversationUrn::new(owner.clone(), &thread_id);
            let Ok(urn) = urn else { continue };
            conversations.push(Conversation {
                index: conversations.len(),
                thread_id,
                urn,
                kind,
                title: (kind == ConvKind::Group).then(|| (*rng.pick(GROUP_TITLES)).to_owned()),
                state,
                parties,
                created_at,
                embed_last: !messages.is_empty() && rng.chance(u64::from(spec.embed_last_percent)),
                messages,
                unread: if rank < 4 && rng.chance(50) { 1 } else { 0 },
                changed_seq: 0,
                deleted: false,
                archived: false,
                placed_attachments: HashMap::new(),
            });
        }
        Account::index(spec.seed, members, orgs, conversations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_account_is_deterministic_and_strictly_ordered() {
        let spec = AccountSpec {
            seed: 7,
            conversations: 2000,
            messages_per_conversation: 0..=300,
            ..AccountSpec::default()
        };
        let account = Account::generate(&spec, Mix::default());
        assert_eq!(account.ordered().count(), 2000);
        let activity: Vec<i64> = account
            .ordered()
            .map(Conversation::last_activity_at)
            .collect();
        assert!(
            activity.windows(2).all(|w| w[0] > w[1]),
            "unique, newest first"
        );
        for conv in &account.conversations {
            assert!(conv.messages.windows(2).all(|w| w[0].at < w[1].at));
            assert!(conv.messages.len() <= 300);
            assert!(conv.created_at <= conv.last_activity_at());
        }
        let again = Account::generate(&spec, Mix::default());
        let busy = account
            .conversations
            .iter()
            .position(|c| !c.messages.is_empty());
        let busy = busy.expect("some conversation has messages");
        let (one, other) = (&account.conversations[busy], &again.conversations[busy]);
        assert_eq!(one.urn, other.urn);
        assert_eq!(one.message_id(0), other.message_id(0));
    }
}
