//! One example of every wire type, serialized. A change to the wire format changes a snapshot.

#![allow(
    clippy::unwrap_used,
    reason = "test fixtures are built from known-good values"
)]

use chrono::{DateTime, TimeZone, Utc};
use ping_core::ids::{ConversationUrn, MessageUrn, ProfileUrn};
use ping_core::model::*;
use ping_core::sync::PacePreset;
use ping_core::voyager::{PageMeta, PageQueryIds};
use ping_protocol::worker::*;
use ping_protocol::*;

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_760_000_000 + seconds, 0)
        .single()
        .expect("valid time")
}

fn owner() -> ProfileUrn {
    ProfileUrn::parse("urn:li:fsd_profile:ACoAAOwner0000000000000000000000000000000").unwrap()
}

fn peer() -> ProfileUrn {
    ProfileUrn::parse("urn:li:fsd_profile:ACoAAPeer00000000000000000000000000000000").unwrap()
}

fn message_urn() -> MessageUrn {
    MessageUrn::new(owner(), "2-bXNnLTE=").unwrap()
}

fn conversation_urn() -> ConversationUrn {
    ConversationUrn::new(owner(), "2-ZmFrZS10aHJlYWQ=").unwrap()
}

fn account() -> Account {
    Account {
        profile: owner(),
        first_name: "Ada".into(),
        last_name: "Example".into(),
        headline: Some("Founder".into()),
        public_identifier: None,
    }
}

fn push_batch() -> PushBatch {
    let participant = |urn: ProfileUrn, is_self: bool, name: &str| Participant {
        id: ParticipantId::Member(urn.clone()),
        is_self,
        first_name: Some(name.into()),
        last_name: Some("Example".into()),
        display_name: format!("{name} Example"),
        headline: None,
        profile_url: Some(format!("https://www.linkedin.com/in/{}", urn.id())),
        distance: Some(if is_self { "SELF" } else { "DISTANCE_1" }.into()),
        picture: Some(Picture {
            asset_id: Some("D4E03AQFakeAsset".into()),
            artifacts: vec![Artifact {
                width: 100,
                height: 100,
                url: "https://media.licdn.com/dms/image/v2/D4E03AQFakeAsset/x_100_100?e=1767225600"
                    .into(),
                expires_at: Some(at(7_225_600)),
            }],
        }),
    };
    PushBatch {
        run_id: "run-1".into(),
        account: account(),
        conversations: vec![Conversation {
            urn: conversation_urn(),
            backend_urn: Some("urn:li:messagingThread:2-ZmFrZS10aHJlYWQ=".into()),
            kind: ConversationKind::Regular,
            group_chat: false,
            title: None,
            categories: vec!["INBOX".into(), "PRIMARY_INBOX".into()],
            state: None,
            read: true,
            unread_count: 0,
            created_at: Some(at(-10)),
            last_activity_at: at(0),
            participants: vec![
                participant(owner(), true, "Ada"),
                participant(peer(), false, "Zoe"),
            ],
        }],
        messages: vec![Message {
            urn: message_urn(),
            conversation: conversation_urn(),
            sender: Some(ParticipantId::Member(peer())),
            delivered_at: at(0),
            subject: None,
            body: "Thanks, talk Tuesday? 👋".into(),
            state: MessageState::Edited,
            attachments: vec![Attachment {
                kind: AttachmentKind::File,
                name: Some("deck.pdf".into()),
                media_type: Some("application/pdf".into()),
                byte_size: Some(1024),
                url: Some("https://www.linkedin.com/dms/prv/doc/1".into()),
            }],
            reactions: vec![Reaction {
                emoji: "👍".into(),
                count: 2,
                viewer_reacted: true,
            }],
        }],
        deleted_conversations: vec![],
        history_pending: vec![],
        history_complete: vec![],
    }
}

fn run_report() -> RunReport {
    RunReport {
        run_id: "run-1".into(),
        account: Some(owner()),
        trigger: SyncTrigger::PageVisit,
        started_at: at(0),
        finished_at: at(42),
        outcome: RunOutcome::Completed,
        conversations_processed: 12,
        messages_processed: 340,
        profiles_backfilled: 3,
        attachments_stored: 2,
        requests_made: 30,
        errors: vec![],
    }
}

#[test]
fn api_types_keep_their_wire_shape() {
    insta::assert_json_snapshot!(
        "api_error",
        ApiError {
            message: "this extension's pairing expired: pair it again from the popup".into(),
            status: 401,
            service_error_code: ErrorCode::TokenExpired,
        }
    );
    insta::assert_json_snapshot!(
        "pairing_code_request",
        PairingCodeRequest {
            client_name: "Chrome on Linux".into()
        }
    );
    insta::assert_json_snapshot!(
        "pairing_code_response",
        PairingCodeResponse {
            code: "PING-X7K3M2".into(),
            poll_secret: "s3cret".into(),
            expires_at: at(600),
        }
    );
    insta::assert_json_snapshot!(
        "pairing_poll_request",
        PairingPollRequest {
            code: "PING-X7K3M2".into(),
            poll_secret: "s3cret".into()
        }
    );
    insta::assert_json_snapshot!(
        "pairing_poll_pending",
        PairingPollResponse::Pending {
            expires_at: at(600)
        }
    );
    insta::assert_json_snapshot!(
        "pairing_poll_paired",
        PairingPollResponse::Paired {
            token: ExtensionToken {
                token: "tok".into(),
                expires_at: at(2_592_000)
            },
        }
    );
    insta::assert_json_snapshot!(
        "pair_request",
        PairRequest {
            code: "PING-X7K3M2".into()
        }
    );
    insta::assert_json_snapshot!(
        "claim_request",
        ClaimRequest {
            code: "PING-A2B3C4".into(),
            client_name: "Chrome".into()
        }
    );
    insta::assert_json_snapshot!("push_batch", push_batch());
    insta::assert_json_snapshot!(
        "push_response",
        PushResponse {
            conversations: PushCounts {
                created: 1,
                updated: 0,
                unchanged: 0
            },
            messages: PushCounts {
                created: 1,
                updated: 0,
                unchanged: 2
            },
            rejected: vec![RejectedRecord {
                kind: RecordKind::Message,
                index: 3,
                urn: None,
                reason: "missing field `urn`".into(),
            }],
            backfill_needed: vec![BackfillRequest {
                member: peer(),
                missing: vec![MissingField::Title, MissingField::Avatar]
            }],
            avatar_requests: vec![AvatarRequest {
                member: peer(),
                url: "https://media.licdn.com/x".into()
            }],
            history_covered: vec![conversation_urn()],
            attachment_requests: vec![AttachmentRequest {
                message: message_urn(),
                index: 0,
                conversation: conversation_urn(),
                sent_at: at(3),
                kind: AttachmentKind::File,
                url: "https://www.linkedin.com/dms/prv/doc/1".into(),
                byte_size: Some(482_113),
                media_type: Some("application/pdf".into()),
            }],
        }
    );
    insta::assert_json_snapshot!(
        "attachment_stored",
        AttachmentStored {
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            byte_size: 482_113,
            media_type: "application/pdf".into(),
        }
    );
    insta::assert_json_snapshot!(
        "attachments_skipped",
        AttachmentsSkipped {
            skipped: vec![
                AttachmentSkip {
                    message: message_urn(),
                    index: 1,
                    reason: SkipReason::TooLarge {
                        byte_size: 31_457_280,
                        cap: 26_214_400
                    },
                },
                AttachmentSkip {
                    message: message_urn(),
                    index: 2,
                    reason: SkipReason::Unavailable { status: 404 },
                },
            ],
        }
    );
    insta::assert_json_snapshot!(
        "profiles_push",
        ProfilesPush {
            source: ProfileSource::PageVisit,
            captured_at: at(5),
            profiles: vec![Profile {
                urn: Some(peer()),
                title: Some("Data engineer".into()),
                ..Profile::default()
            }],
            unavailable: vec![],
        }
    );
    insta::assert_json_snapshot!(
        "profiles_response",
        ProfilesResponse {
            profiles: PushCounts {
                created: 0,
                updated: 1,
                unchanged: 0
            },
            rejected: vec![],
            avatar_requests: vec![],
        }
    );
    insta::assert_json_snapshot!(
        "avatar_upload",
        AvatarUpload {
            member: peer(),
            source_url: "https://media.licdn.com/x".into(),
            content_type: "image/jpeg".into(),
            data_base64: "/9j/4AAQ".into(),
        }
    );
    insta::assert_json_snapshot!("run_report", run_report());
    let request = SyncRequest {
        id: "req-1".into(),
        account_id: owner(),
        force: true,
        state: SyncRequestState::Queued,
        requested_at: at(1),
    };
    insta::assert_json_snapshot!(
        "sync_status",
        SyncStatus {
            accounts: vec![AccountStatus {
                account_id: owner(),
                name: "Ada Example".into(),
                last_run: Some(run_report()),
                conversations: 12,
                messages: 340,
                contacts: 11,
                pending_request: Some(request.clone()),
            }],
        }
    );
    insta::assert_json_snapshot!(
        "sync_request_create",
        SyncRequestCreate {
            account_id: owner(),
            force: true
        }
    );
    insta::assert_json_snapshot!("sync_request", request.clone());
    insta::assert_json_snapshot!(
        "hello_request",
        HelloRequest {
            account: Some(owner()),
            extension_version: "0.1.0".into()
        }
    );
    insta::assert_json_snapshot!(
        "hello_response",
        HelloResponse {
            token_expires_at: at(100),
            refresh_due: false,
            sync_requested: Some(request)
        }
    );
}

#[test]
fn worker_messages_keep_their_wire_shape() {
    let requests = vec![
        WorkerRequest::PageVisit {
            url: "https://www.linkedin.com/feed/".into(),
            page: PageMeta {
                i18n_locale: Some("en_US".into()),
                service_version: Some("1.13.40953".into()),
                client_page_instance_id: Some("b17a6c8b-ae28-4de5-949a-38caa51f0238".into()),
                time_zone: Some("Europe/Berlin".into()),
            },
            query_ids: PageQueryIds {
                requested: vec!["https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql?queryId=messengerConversations.0d5e6781bbee71c3e51c8843c6519f48&variables=()".into()],
                inline: vec!["messengerMessages.5846eeb71c981f11e0134cb6626cc314".into()],
                bundles: vec!["https://static.licdn.com/aero-v1/sc/h/9ak2o7tspkc1nrcn3wblpdj4w".into()],
            },
        },
        WorkerRequest::PageVisit {
            url: "https://www.linkedin.com/uas/login".into(),
            page: PageMeta::default(),
            query_ids: PageQueryIds::default(),
        },
        WorkerRequest::ProfilePage { url: "https://www.linkedin.com/in/zoe/".into(), html: "<main></main>".into() },
        WorkerRequest::QueryIdsObserved { urls: vec!["https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql?queryId=messengerConversations.0d5e6781bbee71c3e51c8843c6519f48".into()] },
        WorkerRequest::SyncNow,
        WorkerRequest::GetState,
        WorkerRequest::RequestPairingCode,
        WorkerRequest::EnterPairingCode { code: "PING-X7K3M2".into() },
        WorkerRequest::Unpair,
        WorkerRequest::GetSettings,
        WorkerRequest::SaveSettings { settings: ExtensionSettings::default() },
    ];
    insta::assert_json_snapshot!("worker_requests", requests);
    let states = vec![
        PopupState::Unpaired {
            code: Some("PING-X7K3M2".into()),
            expires_at: Some(at(600)),
        },
        PopupState::Connected {
            account_name: Some("Ada Example".into()),
            last_run: Some(run_report()),
            next_automatic_sync_at: Some(at(7200)),
            history: Some(HistoryView {
                complete: 312,
                known: 1204,
            }),
            budget: BudgetView {
                pace: PacePreset::Standard,
                this_hour: 87,
                hourly: 120,
                today: 412,
                daily: 600,
            },
        },
        PopupState::Syncing {
            conversations: 3,
            messages: 40,
            attachments: 2,
            started_at: at(0),
            history: None,
            budget: BudgetView {
                pace: PacePreset::Careful,
                this_hour: 3,
                hourly: 60,
                today: 3,
                daily: 300,
            },
        },
        PopupState::SecurityCheck { until: at(86_400) },
        PopupState::LinkedInSessionExpired {
            after_pushback: true,
        },
        PopupState::PairingExpired {
            code: None,
            expires_at: None,
        },
        PopupState::BackendUnreachable {
            detail: "connection refused".into(),
        },
        PopupState::ThrottledByLinkedIn { retry_at: at(900) },
    ];
    let replies: Vec<WorkerReply> = states
        .into_iter()
        .map(|state| WorkerReply::State { state })
        .chain([
            WorkerReply::Settings {
                settings: ExtensionSettings::default(),
            },
            WorkerReply::Ack,
            WorkerReply::Error {
                message: "the backend refused the code".into(),
            },
        ])
        .collect();
    insta::assert_json_snapshot!("worker_replies", replies);
}

#[test]
fn a_bad_record_is_rejected_alone() {
    let good = serde_json::to_value(&push_batch().messages[0]).unwrap();
    let mut bad = good.clone();
    bad["urn"] = serde_json::json!("urn:li:msg_message:nonsense");
    let (accepted, rejected) = parse_records::<Message>(RecordKind::Message, vec![good, bad]);
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].0, 0);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].index, 1);
    assert_eq!(
        rejected[0].urn.as_deref(),
        Some("urn:li:msg_message:nonsense")
    );
    assert!(
        rejected[0].reason.contains("message URN"),
        "{}",
        rejected[0].reason
    );
}

#[test]
fn a_push_answer_without_history_covered_still_reads() {
    let older = r#"{"conversations":{"created":0,"updated":0,"unchanged":0},
        "messages":{"created":0,"updated":0,"unchanged":0},
        "rejected":[],"backfillNeeded":[],"avatarRequests":[]}"#;
    let answer: PushResponse = serde_json::from_str(older).unwrap();
    assert!(answer.history_covered.is_empty());
}
