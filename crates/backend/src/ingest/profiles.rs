//! Reads a profiles push (captured on a page visit or backfilled on request).

use ping_core::model::Profile;
use ping_protocol::{RawProfilesPush, RecordKind, RejectedRecord, parse_records};

use super::contacts::from_profile;
use super::text::strip_nul_in;
use crate::store::ContactUpsert;

/// Reads every profile of the push: the good ones become contact updates, the bad ones are
/// reported. A profile with neither a URN nor a public identifier cannot be matched to a
/// contact, so it is rejected. NUL characters are taken out of every text first, as in a push.
/// The good ones come with their position in the push.
pub fn prepare_profiles(
    raw: RawProfilesPush,
) -> (Vec<(usize, ContactUpsert)>, Vec<RejectedRecord>) {
    let (parsed, mut rejected) =
        parse_records::<Profile>(RecordKind::Profile, strip_nul_in(raw.profiles));
    let mut contacts = Vec::with_capacity(parsed.len());
    for (index, profile) in parsed {
        if profile.urn.is_none() && profile.public_identifier.is_none() {
            rejected.push(RejectedRecord {
                kind: RecordKind::Profile,
                index,
                urn: None,
                reason: "a profile needs a urn or a public identifier".into(),
            });
        } else {
            contacts.push((index, from_profile(&profile)));
        }
    }
    (contacts, rejected)
}
