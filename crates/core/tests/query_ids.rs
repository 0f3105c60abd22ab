//! The query id registry: built-ins first per kind, observed ids before them, bounded, and
//! persisted as JSON.

use ping_core::ids::QueryId;
use ping_core::voyager::{MAX_OBSERVED, QueryIdRegistry, QueryKind, builtin_ids};

const ALL_KINDS: [QueryKind; 5] = [
    QueryKind::ConversationsBySyncToken,
    QueryKind::ConversationsByCategory,
    QueryKind::MessagesLatest,
    QueryKind::MessagesByAnchor,
    QueryKind::MessagesByCursor,
];

fn id(raw: &str) -> QueryId {
    QueryId::parse(raw).expect("a valid test id")
}

fn graphql_url(query_id: &str) -> String {
    format!(
        "https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql?queryId={query_id}&variables=(mailboxUrn:urn%3Ali%3Afsd_profile%3AACoAAX)"
    )
}

#[test]
fn the_first_builtin_per_kind_is_the_one_the_fake_server_serves() {
    let first = |kind| QueryIdRegistry::builtin().candidates(kind)[0].to_string();
    assert_eq!(
        first(QueryKind::ConversationsBySyncToken),
        "messengerConversations.0d5e6781bbee71c3e51c8843c6519f48"
    );
    assert_eq!(
        first(QueryKind::ConversationsByCategory),
        "messengerConversations.9501074288a12f3ae9e3c7ea243bccbf"
    );
    assert_eq!(
        first(QueryKind::MessagesLatest),
        "messengerMessages.5846eeb71c981f11e0134cb6626cc314"
    );
    assert_eq!(
        first(QueryKind::MessagesByAnchor),
        "messengerMessages.d8ea76885a52fd5dc5c317078ab7c977"
    );
    assert_eq!(
        first(QueryKind::MessagesByCursor),
        "messengerMessages.34c9888be71c8010fecfb575cb38308f"
    );
}

#[test]
fn observed_ids_come_first_newest_first_without_duplicates() {
    let mut registry = QueryIdRegistry::builtin();
    let older = "messengerMessages.11111111111111111111111111111111";
    let newer = "messengerMessages.22222222222222222222222222222222";
    let elsewhere = graphql_url(older).replace("www.linkedin.com", "www.linkedin.com.evil.example");
    assert!(
        !registry.observe_url(&elsewhere),
        "only LinkedIn's own host teaches ids"
    );
    assert!(registry.observe_url(&graphql_url(older)));
    assert!(registry.observe_url(&graphql_url(newer)));
    // A built-in observed live is not listed twice.
    let builtin = "messengerMessages.5846eeb71c981f11e0134cb6626cc314";
    assert!(registry.observe_url(&graphql_url(builtin)));
    let candidates = registry.candidates(QueryKind::MessagesLatest);
    let shown: Vec<String> = candidates.iter().map(ToString::to_string).collect();
    assert_eq!(&shown[..3], [builtin, newer, older]);
    assert_eq!(shown.len(), 4);
    // Conversations are not offered message ids.
    let conversations = registry.candidates(QueryKind::ConversationsBySyncToken);
    assert!(
        conversations
            .iter()
            .all(|id| id.name() == "messengerConversations")
    );
}

#[test]
fn junk_and_foreign_query_ids_are_ignored() {
    let mut registry = QueryIdRegistry::builtin();
    for url in [
        "https://www.linkedin.com/messaging/",
        "https://www.linkedin.com/voyager/api/graphql?queryId=voyagerIdentityDashProfiles.34ead06db82a2cc9a778fac97f69ad6a",
        "https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql?queryId=messengerMessages.nothex",
        "not a url at all",
        "?queryId=",
    ] {
        assert!(!registry.observe_url(url), "{url}");
    }
    assert!(registry.observed().is_empty());
}

#[test]
fn at_most_twenty_observed_ids_are_kept_dropping_the_oldest() {
    let mut registry = QueryIdRegistry::builtin();
    for n in 0..25 {
        registry.observe_url(&graphql_url(&format!("messengerConversations.{n:032x}")));
    }
    assert_eq!(registry.observed().len(), MAX_OBSERVED);
    assert_eq!(
        registry.observed()[0],
        id(&format!("messengerConversations.{:032x}", 24))
    );
    assert!(
        !registry
            .observed()
            .contains(&id(&format!("messengerConversations.{:032x}", 4)))
    );
}

#[test]
fn the_registry_survives_storage_as_json() {
    let mut registry = QueryIdRegistry::builtin();
    registry.observe_url(&graphql_url(
        "messengerConversations.abcdefabcdefabcdefabcdefabcdefab",
    ));
    registry.observe_url(&graphql_url(
        "messengerMessages.0123456789abcdef0123456789abcdef",
    ));
    let json = serde_json::to_string(&registry).unwrap();
    let restored: QueryIdRegistry = serde_json::from_str(&json).unwrap();
    assert_eq!(restored, registry);
    let empty: QueryIdRegistry = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, QueryIdRegistry::builtin());
}

#[test]
fn a_forgotten_id_falls_back_to_the_builtins() {
    let mut registry = QueryIdRegistry::builtin();
    let rotated = "messengerMessages.33333333333333333333333333333333";
    registry.observe_url(&graphql_url(rotated));
    registry.forget(&id(rotated));
    for kind in ALL_KINDS {
        assert_eq!(
            registry.candidates(kind),
            builtin_ids(kind).collect::<Vec<_>>()
        );
    }
}
