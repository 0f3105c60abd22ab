//! JSON text to typed values for everything but Voyager pages (which `ping_core` reads with
//! its borrowed, lenient records): the text is read into a `serde_json::Value` once and the
//! type is read from that tree. Reading each type straight from text would compile the whole
//! text parser into every type's deserializer; from a tree each one is a small walk.
//!
//! The walk is [`Tree`], not serde_json's own `&Value` deserializer: every derived
//! `Deserialize` compiles each path its deserializer may take, and serde_json's also reads a
//! struct from an array and an enum from a map of several shapes. What the extension stores and
//! receives is always the JSON its own types wrote, so `Tree` takes only the shapes serde's
//! derive writes, and the code for the others is never compiled: 56 KB less module after
//! `wasm-opt`, 13 KB less gzipped (issue 12).

mod tree;

use serde::de::DeserializeOwned;
use serde_json::Value;

use tree::Tree;

pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    let value: Value = serde_json::from_str(text)?;
    T::deserialize(Tree(&value))
}

#[cfg(test)]
mod tests {
    use ping_core::sync::SyncState;
    use ping_protocol::api::{
        ApiError, HelloResponse, PairingPollResponse, ProfilesPush, ProfilesResponse, PushBatch,
        PushResponse,
    };
    use ping_protocol::worker::WorkerRequest;
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use super::decode;

    /// The JSON of an insta snapshot: what follows its front matter.
    fn snapshot(text: &str) -> &str {
        text.splitn(3, "---\n").nth(2).expect("a snapshot body")
    }

    /// `decode` reads `text` to what serde_json's own deserializer reads, and writing the value
    /// back gives the JSON it was read from (no field was skipped).
    fn reads_like_serde_json<T: DeserializeOwned + Serialize>(text: &str) {
        let ours: T = decode(text).expect("decode reads it");
        let theirs: T = serde_json::from_str(text).expect("serde_json reads it");
        let ours = serde_json::to_value(ours).expect("encodable");
        assert_eq!(ours, serde_json::to_value(theirs).expect("encodable"));
        let written: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(ours, written);
    }

    fn read_snapshot(name: &str) -> String {
        let path = format!(
            "{}/../protocol/tests/snapshots/snapshots__{name}.snap",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).expect("the protocol's snapshot")
    }

    #[test]
    fn the_wire_types_read_as_serde_json_reads_them() {
        let read = read_snapshot;
        reads_like_serde_json::<Vec<WorkerRequest>>(snapshot(&read("worker_requests")));
        reads_like_serde_json::<PushBatch>(snapshot(&read("push_batch")));
        reads_like_serde_json::<PushResponse>(snapshot(&read("push_response")));
        reads_like_serde_json::<PairingPollResponse>(snapshot(&read("pairing_poll_paired")));
        reads_like_serde_json::<PairingPollResponse>(snapshot(&read("pairing_poll_pending")));
        reads_like_serde_json::<HelloResponse>(snapshot(&read("hello_response")));
        reads_like_serde_json::<ApiError>(snapshot(&read("api_error")));
        reads_like_serde_json::<ProfilesPush>(snapshot(&read("profiles_push")));
        reads_like_serde_json::<ProfilesResponse>(snapshot(&read("profiles_response")));
    }

    #[test]
    fn a_checkpoint_mid_pass_reads_back_whole() {
        // The records of the push batch snapshot, as a pass that stopped mid-conversation
        // keeps them: every shape the stored sync state has (tagged enums, maps keyed by urn
        // and by query kind, dates, options, nested conversations and messages).
        let batch: serde_json::Value =
            serde_json::from_str(snapshot(&read_snapshot("push_batch"))).expect("json");
        let conversation = &batch["conversations"][0];
        let message = &batch["messages"][0];
        let urn = conversation["urn"].as_str().expect("a urn");
        let state = serde_json::json!({
            "account": batch["account"],
            "session": "5f2b",
            "watermark": "2025-10-09T08:53:20Z",
            "lastCompletedAt": null,
            "listedAt": "2025-10-09T08:40:00Z",
            "deltaProven": true,
            "retryAfter": "2025-10-09T09:53:20Z",
            "stopReason": {"reason": "linkedInThrottled", "until": "2025-10-09T09:53:20Z"},
            "syncedThrough": {urn: "2025-10-09T08:00:00Z"},
            "pass": {
                "startedAt": "2025-10-09T08:50:00Z",
                "trigger": "manual",
                "stopAt": null,
                "highWater": "2025-10-09T08:53:20Z",
                "nextPage": {"by": "before", "value": "2025-10-10T08:50:00Z"},
                "folder": "inbox",
                "foldersAfter": ["other"],
                "queue": [conversation],
                "bare": [],
                "current": {
                    "conversation": conversation,
                    "next": {"by": "latest"},
                    "takenAtAnchor": [message["urn"]]
                },
                "seen": [urn],
                "toAnnounce": [],
                "latest": {urn: message},
                "listed": [message["urn"]],
                "deletionsChecked": true,
                "nextSyncToken": "gtDOAAAAAZmFrZXRva2VuLTAwNA==",
                "deltaOnly": false,
                "deltaCheck": {"askedAt": "2025-10-09T08:50:01Z", "named": [urn], "confirmed": true, "missed": false}
            },
            "syncToken": null,
            "history": {urn: {"conversation": conversation, "next": {"by": "before", "value": "2025-10-01T00:00:00Z"}, "takenAtAnchor": []}},
            "cursorsSeen": true,
            "workingQueryIds": {"messagesLatest": "messengerMessages.5846eeb71c981f11e0134cb6626cc314"}
        });
        let text = state.to_string();
        let ours: SyncState = decode(&text).expect("decode reads it");
        assert_eq!(
            ours,
            serde_json::from_str::<SyncState>(&text).expect("serde_json reads it")
        );
        assert_eq!(serde_json::to_value(&ours).expect("encodable"), state);
    }

    #[test]
    fn a_malformed_message_says_what_is_wrong() {
        let missing = decode::<WorkerRequest>(r#"{"type":"enterPairingCode"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `code`"),
            "{missing}"
        );
        let unknown = decode::<WorkerRequest>(r#"{"type":"launchRockets"}"#).unwrap_err();
        assert!(
            unknown
                .to_string()
                .contains("unknown variant `launchRockets`"),
            "{unknown}"
        );
        let wrong = decode::<WorkerRequest>(r#"{"type":"enterPairingCode","code":7}"#).unwrap_err();
        assert!(wrong.to_string().contains("invalid type"), "{wrong}");
        let not_json = decode::<WorkerRequest>("{").unwrap_err();
        assert!(not_json.is_eof(), "{not_json}");
    }
}
