//! Typed LinkedIn records for push batches and profiles.

use chrono::{DateTime, Duration, Utc};
use ping_core::ids::{ConversationUrn, MessageUrn, ProfileUrn};
use ping_core::model::*;
use ping_protocol::PushBatch;
use serde_json::{Value, json};

use crate::helpers::start_time;

pub const OWNER: &str = "urn:li:fsd_profile:ACoAAOwner0000000000000000000000000000000";

pub fn owner() -> ProfileUrn {
    ProfileUrn::parse(OWNER).expect("owner urn")
}

/// A member profile URN numbered `n`.
pub fn member(n: u32) -> ProfileUrn {
    ProfileUrn::parse(&format!("urn:li:fsd_profile:ACoAAPeer{n:031}")).expect("member urn")
}

pub fn account() -> Account {
    Account {
        profile: owner(),
        first_name: "Ada".into(),
        last_name: "Example".into(),
        headline: Some("Founder".into()),
        public_identifier: None,
    }
}

pub fn conversation_urn(thread: &str) -> ConversationUrn {
    ConversationUrn::new(owner(), thread).expect("conversation urn")
}

pub fn picture(url: &str, asset: &str) -> Picture {
    Picture {
        asset_id: Some(asset.into()),
        artifacts: vec![
            Artifact {
                width: 100,
                height: 100,
                url: format!("{url}?size=100"),
                expires_at: Some(start_time() + Duration::days(60)),
            },
            Artifact {
                width: 400,
                height: 400,
                url: url.to_owned(),
                expires_at: Some(start_time() + Duration::days(60)),
            },
        ],
    }
}

pub fn participant(urn: &ProfileUrn, first: &str, picture: Option<Picture>) -> Participant {
    Participant {
        id: ParticipantId::Member(urn.clone()),
        is_self: *urn == owner(),
        first_name: Some(first.into()),
        last_name: Some("Example".into()),
        display_name: format!("{first} Example"),
        headline: Some(format!("{first} at Acme")),
        profile_url: Some(format!("https://www.linkedin.com/in/{}", urn.id())),
        distance: Some("DISTANCE_1".into()),
        picture,
    }
}

pub fn conversation(
    thread: &str,
    members: &[(&ProfileUrn, &str)],
    at: DateTime<Utc>,
) -> Conversation {
    let mut participants = vec![participant(&owner(), "Ada", None)];
    participants.extend(
        members
            .iter()
            .map(|(urn, name)| participant(urn, name, None)),
    );
    Conversation {
        urn: conversation_urn(thread),
        backend_urn: None,
        kind: ConversationKind::Regular,
        group_chat: members.len() > 1,
        title: None,
        categories: vec!["INBOX".into()],
        state: None,
        read: true,
        unread_count: 0,
        created_at: None,
        last_activity_at: at,
        participants,
    }
}

pub fn message(
    thread: &str,
    id: &str,
    sender: &ProfileUrn,
    body: &str,
    at: DateTime<Utc>,
) -> Message {
    Message {
        urn: MessageUrn::new(owner(), id).expect("message urn"),
        conversation: conversation_urn(thread),
        sender: Some(ParticipantId::Member(sender.clone())),
        delivered_at: at,
        subject: None,
        body: body.into(),
        state: MessageState::Normal,
        attachments: vec![],
        reactions: vec![],
    }
}

pub fn batch(conversations: Vec<Conversation>, messages: Vec<Message>) -> PushBatch {
    PushBatch {
        run_id: "run-1".into(),
        account: account(),
        conversations,
        messages,
        deleted_conversations: vec![],
        history_pending: vec![],
        history_complete: vec![],
    }
}

pub fn to_json(batch: &PushBatch) -> Value {
    serde_json::to_value(batch).expect("batch json")
}

/// One conversation with Zoe: two inbound messages and one outbound.
pub fn small_batch() -> PushBatch {
    let zoe = member(1);
    let t = start_time();
    batch(
        vec![conversation("2-zoe", &[(&zoe, "Zoe")], t)],
        vec![
            message(
                "2-zoe",
                "2-m1",
                &zoe,
                "Hello Ada, are you around next Tuesday?",
                t - Duration::minutes(30),
            ),
            message(
                "2-zoe",
                "2-m2",
                &owner(),
                "Yes! Talk Tuesday.",
                t - Duration::minutes(20),
            ),
            message(
                "2-zoe",
                "2-m3",
                &zoe,
                "Great, I'll bring the deck.",
                t - Duration::minutes(10),
            ),
        ],
    )
}

pub fn profile(urn: Option<&ProfileUrn>, slug: Option<&str>) -> Profile {
    Profile {
        urn: urn.cloned(),
        public_identifier: slug
            .map(|slug| ping_core::ids::PublicIdentifier::parse(slug).expect("slug")),
        first_name: Some("Zoe".into()),
        last_name: Some("Example".into()),
        full_name: Some("Zoe Example".into()),
        headline: Some("CTO at Acme".into()),
        title: Some("CTO".into()),
        company: Some("Acme".into()),
        location: Some("Berlin".into()),
        picture: None,
    }
}

pub fn profiles_push(profiles: Vec<Profile>) -> Value {
    json!({
        "source": "pageVisit",
        "capturedAt": start_time(),
        "profiles": profiles,
    })
}
