//! Voyager JSON for conversations, participants and messages (`application/graphql` form,
//! voyager-api.md §5), written by hand with `serde_json` to stay independent of the parsers.

use serde_json::{Value, json};

use crate::attachments;
use crate::data::message;
use crate::data::text::{Attribute, AttributeKind};
use crate::data::{Account, ConvKind, Conversation, Party, PictureAsset};
use crate::media::{self, MediaCtx};
use crate::rng::{hex32, keyed_hash};

/// `com.linkedin.<32 hex>`, as LinkedIn's `_recipeType` values look.
pub fn recipe(name: &str) -> String {
    format!(
        "com.linkedin.{}",
        hex32(keyed_hash(b"recipe", name.as_bytes()))
    )
}

/// An AttributedText without formatting.
pub fn text(value: &str) -> Value {
    json!({"_type": "com.linkedin.pemberly.text.AttributedText", "text": value, "attributes": []})
}

fn attributed(value: &str, attributes: &[Attribute]) -> Value {
    let attributes: Vec<Value> = attributes
        .iter()
        .map(|a| {
            let kind = match &a.kind {
                AttributeKind::Bold => json!({"bold": {}}),
                AttributeKind::Hyperlink(url) => json!({"hyperlink": {"url": url}}),
            };
            json!({"_type": "com.linkedin.pemberly.text.Attribute", "start": a.start, "length": a.length, "attributeKind": kind})
        })
        .collect();
    json!({"_type": "com.linkedin.pemberly.text.AttributedText", "text": value, "attributes": attributes})
}

/// A display photo as a VectorImage with all sizes, signed for `ctx.expires`.
pub fn vector_image(ctx: &MediaCtx, asset: &PictureAsset) -> Value {
    let (root, segments) = media::photo_parts(ctx, asset);
    let artifacts: Vec<Value> = segments
        .into_iter()
        .map(|(w, segment)| {
            json!({"_type": "com.linkedin.common.VectorArtifact", "width": w, "height": w,
                   "expiresAt": ctx.expires * 1000, "fileIdentifyingUrlPathSegment": segment})
        })
        .collect();
    json!({"_type": "com.linkedin.common.VectorImage", "rootUrl": root, "artifacts": artifacts})
}

fn host_urn(account: &Account, party: Party) -> String {
    match party {
        Party::Member(i) => account.members[i].urn.to_string(),
        Party::Org(i) => format!("urn:li:fsd_company:{}", account.organizations[i].company_id),
    }
}

/// A participant in brief form: only the identifying URNs and badge flags.
pub fn brief_participant(account: &Account, party: Party) -> Value {
    let host = host_urn(account, party);
    json!({"_type": "com.linkedin.messenger.MessagingParticipant", "_recipeType": recipe("briefParticipant"),
           "entityUrn": format!("urn:li:msg_messagingParticipant:{host}"), "hostIdentityUrn": host,
           "showPremiumInBug": false, "showVerificationBadge": false})
}

/// A full MessagingParticipant.
pub fn participant(account: &Account, party: Party, ctx: &MediaCtx) -> Value {
    let mut value = brief_participant(account, party);
    value["_recipeType"] = json!(recipe("MessagingParticipant"));
    value["memberBadgeType"] = Value::Null;
    value["preview"] = Value::Null;
    let participant_type = match party {
        Party::Member(i) => {
            let m = &account.members[i];
            value["backendUrn"] = json!(format!("urn:li:member:{}", m.member_number));
            value["showVerificationBadge"] = json!(i % 3 == 1);
            let picture = m
                .picture
                .as_ref()
                .map_or(Value::Null, |p| vector_image(ctx, p));
            let pronoun = if i % 5 == 2 {
                json!({"standardizedPronoun": "SHE_HER", "customPronoun": null})
            } else {
                Value::Null
            };
            json!({"member": {"_type": "com.linkedin.messenger.MemberParticipantInfo",
                              "firstName": text(&m.first_name), "lastName": text(&m.last_name),
                              "headline": text(&m.headline()),
                              "profileUrl": format!("https://www.linkedin.com/in/{}", m.urn.id()),
                              "distance": m.distance, "pronoun": pronoun, "profilePicture": picture},
                   "organization": null, "custom": null, "agent": null})
        }
        Party::Org(i) => {
            let o = &account.organizations[i];
            value["backendUrn"] = json!(format!("urn:li:company:{}", o.company_id));
            json!({"member": null, "custom": null, "agent": null,
                   "organization": {"_type": "com.linkedin.messenger.OrganizationParticipantInfo",
                                    "name": text(&o.name), "logo": null,
                                    "pageUrl": format!("https://www.linkedin.com/company/{}/", o.company_id),
                                    "tagline": text(&o.tagline), "industryName": text(&o.industry)}})
        }
    };
    value["participantType"] = participant_type;
    value
}

fn render_item(key: &str, payload: Value) -> Value {
    let mut item = json!({"_type": "com.linkedin.messenger.RenderContent", "file": null,
        "vectorImage": null, "video": null, "audio": null, "externalMedia": null,
        "forwardedMessageContent": null, "repliedMessageContent": null, "hostUrnData": null});
    item[key] = payload;
    item
}

fn render_content(
    conv: &Conversation,
    ordinal: usize,
    details: &message::Details,
    ctx: &MediaCtx,
) -> Vec<Value> {
    let salt = conv.messages[ordinal].salt;
    let mut items = Vec::new();
    if let Some(attachment) = &details.attachment {
        let (key, payload) = attachments::render(ctx, conv, ordinal, attachment);
        items.push(render_item(key, payload));
    }
    if ordinal == 0 && conv.kind == ConvKind::InMail && conv.state == Some("PENDING") {
        items.push(render_item(
            "hostUrnData",
            json!({"_type": "com.linkedin.messenger.HostUrnData",
            "type": "PREMIUM_INMAIL", "hostUrn": format!("urn:li:fsd_inmail:{salt}")}),
        ));
    }
    items
}

/// A Message object.
pub fn message(account: &Account, conv: &Conversation, ordinal: usize, ctx: &MediaCtx) -> Value {
    let msg = &conv.messages[ordinal];
    let details = message::details(account.seed, conv, ordinal);
    let id = conv.message_id(ordinal);
    let sender_party = conv.parties[usize::from(msg.sender).min(conv.parties.len() - 1)];
    let sender = if details.brief_sender {
        brief_participant(account, sender_party)
    } else {
        participant(account, sender_party, ctx)
    };
    let actor = if details.actor_null {
        Value::Null
    } else {
        sender.clone()
    };
    let reactions: Vec<Value> = details
        .reactions
        .iter()
        .map(|r| {
            json!({
        "_type": "com.linkedin.messenger.ReactionSummary", "emoji": r.emoji, "count": r.count,
        "firstReactedAt": msg.at + 60_000, "viewerReacted": r.viewer_reacted})
        })
        .collect();
    json!({
        "_type": "com.linkedin.messenger.Message", "_recipeType": recipe("Message"),
        "entityUrn": format!("urn:li:msg_message:({},{id})", account.owner().urn),
        "backendUrn": format!("urn:li:messagingMessage:{id}"),
        "backendConversationUrn": format!("urn:li:messagingThread:{}", conv.thread_id),
        "conversation": {"_type": "com.linkedin.messenger.Conversation", "entityUrn": conv.urn.to_string()},
        "deliveredAt": msg.at,
        "body": attributed(&details.body, &details.attributes),
        "subject": details.subject,
        "sender": sender, "actor": actor,
        "originToken": details.origin_token,
        "messageBodyRenderFormat": details.format.as_str(),
        "renderContent": render_content(conv, ordinal, &details, ctx),
        "renderContentFallbackText": null,
        "reactionSummaries": reactions,
        "footer": null, "inlineWarning": null, "incompleteRetriableData": false
    })
}

/// A Conversation list item. `drafts` adds the empty `draftMessages` of category answers.
pub fn conversation(account: &Account, conv: &Conversation, ctx: &MediaCtx, drafts: bool) -> Value {
    let last = conv.last_activity_at();
    let participants: Vec<Value> = conv
        .parties
        .iter()
        .map(|&p| participant(account, p, ctx))
        .collect();
    let creator_party = if matches!(conv.kind, ConvKind::Regular | ConvKind::Group) {
        Party::Member(0)
    } else {
        conv.parties[1]
    };
    let type_text = match (conv.kind, conv.state) {
        (ConvKind::Sponsored, _) => text("Sponsored"),
        (ConvKind::InMail | ConvKind::Request, Some("PENDING")) => text("InMail"),
        _ => Value::Null,
    };
    let content_metadata = if conv.kind == ConvKind::Sponsored {
        json!({"conversationAdContent": {"_type": "com.linkedin.messenger.ConversationAdContent",
               "adUnit": "SPONSORED_MESSAGE", "legalText": null}})
    } else {
        Value::Null
    };
    let disabled: Vec<Value> = match conv.kind {
        ConvKind::Sponsored => vec![json!({"disabledFeature": "REPLY", "reasonText": null})],
        ConvKind::Group => Vec::new(),
        _ => vec![json!({"disabledFeature": "RENAMED_CONVERSATION", "reasonText": null})],
    };
    let read_at = if conv.unread == 0 {
        last
    } else {
        conv.created_at
    };
    let mut value = json!({
        "_type": "com.linkedin.messenger.Conversation", "_recipeType": recipe("Conversation"),
        "entityUrn": conv.urn.to_string(),
        "backendUrn": format!("urn:li:messagingThread:{}", conv.thread_id),
        "conversationUrl": format!("https://www.linkedin.com/messaging/thread/{}/", conv.thread_id),
        "categories": conv.categories(),
        "groupChat": conv.kind == ConvKind::Group,
        "state": conv.state, "title": conv.title,
        "conversationTypeText": type_text,
        "headlineText": null, "shortHeadlineText": null, "descriptionText": null,
        "conversationVerificationLabel": null, "conversationVerificationExplanation": null,
        "contentMetadata": content_metadata,
        "conversationParticipants": participants,
        "creator": participant(account, creator_party, ctx),
        "createdAt": conv.created_at, "lastActivityAt": last, "lastReadAt": read_at,
        "read": conv.unread == 0, "unreadCount": conv.unread,
        "notificationStatus": "ACTIVE",
        "disabledFeatures": disabled, "hostConversationActions": [],
        "incompleteRetriableData": false
    });
    if conv.embed_last && !conv.messages.is_empty() {
        let last_message = message(account, conv, conv.messages.len() - 1, ctx);
        value["messages"] = json!({"_type": "com.linkedin.restli.common.CollectionResponse", "elements": [last_message]});
    }
    if drafts {
        value["draftMessages"] =
            json!({"_type": "com.linkedin.restli.common.CollectionResponse", "elements": []});
    }
    value
}
