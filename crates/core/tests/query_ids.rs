//! The query id registry: what it learns from a page's requests, inline scripts and bundles,
//! the order it offers ids in per kind, its bounds, and its JSON form.

use ping_core::ids::QueryId;
use ping_core::voyager::{
    MAX_BUNDLES_PER_PAGE, MAX_OBSERVED, PageQueryIds, QueryIdRegistry, QueryKind, WorkingQueryIds,
    builtin_ids,
};

const UNKNOWN_MESSAGES: &str = "messengerMessages.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const OTHER_MESSAGES: &str = "messengerMessages.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const CONVERSATIONS: &str = "messengerConversations.cccccccccccccccccccccccccccccccc";
const BUNDLE: &str = "https://static.licdn.com/aero-v1/sc/h/9ak2o7tspkc1nrcn3wblpdj4w";

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
    let first =
        |kind| QueryIdRegistry::builtin().candidates(kind, &WorkingQueryIds::new())[0].to_string();
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
    let candidates = registry.candidates(QueryKind::MessagesLatest, &WorkingQueryIds::new());
    let shown: Vec<String> = candidates.iter().map(ToString::to_string).collect();
    assert_eq!(&shown[..3], [builtin, newer, older]);
    assert_eq!(shown.len(), 4);
    // Conversations are not offered message ids.
    let conversations =
        registry.candidates(QueryKind::ConversationsBySyncToken, &WorkingQueryIds::new());
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

fn builtin(kind: QueryKind, index: usize) -> QueryId {
    builtin_ids(kind).nth(index).expect("a built-in")
}

#[test]
fn a_script_declares_each_standalone_messaging_id_once_in_order() {
    let mut registry = QueryIdRegistry::builtin();
    let hex = "d".repeat(32);
    let bundle = format!(
        r#"a={{q:"{OTHER_MESSAGES}"}};b='{CONVERSATIONS}';c="{OTHER_MESSAGES}";
        d="messengerMessages.{hex}0";e="xmessengerMessages.{hex}";
        f="messengerMessagingParticipants.{hex}";g="voyagerFeedDash.{hex}";"#
    );
    registry.learn_bundle(BUNDLE, &bundle);
    assert_eq!(registry.declared(), [id(OTHER_MESSAGES), id(CONVERSATIONS)]);
}

#[test]
fn a_page_teaches_its_requests_and_inline_ids_and_names_the_bundles_to_fetch() {
    let mut registry = QueryIdRegistry::builtin();
    let page = PageQueryIds {
        requested: vec![
            graphql_url(CONVERSATIONS),
            graphql_url(UNKNOWN_MESSAGES).replace("www.linkedin.com", "evil.example"),
        ],
        inline: vec![OTHER_MESSAGES.to_owned(), "not an id".to_owned()],
        bundles: vec![
            BUNDLE.to_owned(),
            format!("{BUNDLE}#again"),
            "https://evil.example/bundle.js".to_owned(),
            "https://static.licdn.com.evil.example/bundle.js".to_owned(),
            "https://static.licdn.com:8443/bundle.js".to_owned(),
            "http://static.licdn.com/bundle.js".to_owned(),
        ],
    };
    assert_eq!(registry.learn_page(&page), [BUNDLE]);
    assert_eq!(registry.observed(), [id(CONVERSATIONS)]);
    assert_eq!(registry.declared(), [id(OTHER_MESSAGES)]);

    registry.learn_bundle(BUNDLE, &format!("x=\"{UNKNOWN_MESSAGES}\""));
    assert_eq!(
        registry.declared(),
        [id(UNKNOWN_MESSAGES), id(OTHER_MESSAGES)]
    );
    assert!(
        registry.learn_page(&page).is_empty(),
        "a scanned bundle is not fetched again"
    );
}

#[test]
fn one_page_fetches_a_bounded_number_of_bundles_and_the_next_page_the_rest() {
    let mut registry = QueryIdRegistry::builtin();
    let page = PageQueryIds {
        bundles: (0..20)
            .map(|n| format!("https://static.licdn.com/sc/h/bundle{n}"))
            .collect(),
        ..PageQueryIds::default()
    };
    let first = registry.learn_page(&page);
    assert_eq!(first.len(), MAX_BUNDLES_PER_PAGE);
    for url in &first {
        // A bundle that answered an error is as good as scanned: its address never changes.
        registry.learn_bundle(url, "");
    }
    let second = registry.learn_page(&page);
    assert_eq!(second.len(), 20 - MAX_BUNDLES_PER_PAGE);
    assert!(second.iter().all(|url| !first.contains(url)));
}

#[test]
fn candidates_go_from_the_working_id_to_ids_known_to_answer_another_variant() {
    let kind = QueryKind::MessagesLatest;
    let mut registry = QueryIdRegistry::builtin();
    // The page requested an anchor built-in and an unknown id; the bundle declares another
    // unknown id, the kind's second built-in and the id working for the cursor variant.
    let anchor = builtin(QueryKind::MessagesByAnchor, 0);
    let declared_unknown = id("messengerMessages.eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
    registry.observe_url(&graphql_url(&anchor.to_string()));
    registry.observe_url(&graphql_url(UNKNOWN_MESSAGES));
    let bundle = format!("{declared_unknown} {} {OTHER_MESSAGES}", builtin(kind, 1));
    registry.learn_bundle(BUNDLE, &bundle);
    let working_latest = id("messengerMessages.ffffffffffffffffffffffffffffffff");
    let working: WorkingQueryIds = [
        (kind, working_latest.clone()),
        (QueryKind::MessagesByCursor, id(OTHER_MESSAGES)),
    ]
    .into_iter()
    .collect();

    assert_eq!(
        registry.candidates(kind, &working),
        [
            // It answered this variant last time.
            working_latest,
            // The right variant, and the live client still declares it.
            builtin(kind, 1),
            // Live (the page requested it), variant unknown.
            id(UNKNOWN_MESSAGES),
            // Declared by the client, variant unknown.
            declared_unknown,
            // The right variant, perhaps retired.
            builtin(kind, 0),
            // Known to answer other variants.
            anchor,
            id(OTHER_MESSAGES),
        ]
    );
}

#[test]
fn the_stored_form_keeps_what_was_learnt_and_reads_the_earlier_form() {
    let mut registry = QueryIdRegistry::builtin();
    registry.observe_url(&graphql_url(UNKNOWN_MESSAGES));
    registry.learn_bundle(BUNDLE, CONVERSATIONS);
    let json = serde_json::to_value(&registry).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "observed": [UNKNOWN_MESSAGES],
            "declared": [CONVERSATIONS],
            "scannedBundles": [BUNDLE],
        })
    );
    assert_eq!(
        serde_json::from_value::<QueryIdRegistry>(json).unwrap(),
        registry
    );
    let earlier: QueryIdRegistry =
        serde_json::from_value(serde_json::json!({"observed": [CONVERSATIONS]})).unwrap();
    assert_eq!(earlier.observed(), [id(CONVERSATIONS)]);
}

#[test]
fn an_id_the_page_requested_with_a_variants_variables_is_offered_first_for_that_variant_only() {
    let anchor_variables = "(deliveredAt:1760000000000,conversationUrn:urn%3Ali%3Amsg_conversation%3A%28urn%3Ali%3Afsd_profile%3AACoAAX%2C2-abc%29,countBefore:20,countAfter:0)";
    let url = format!(
        "https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql?queryId={UNKNOWN_MESSAGES}&variables={anchor_variables}"
    );
    let mut registry = QueryIdRegistry::builtin();
    registry.observe_url(&graphql_url(OTHER_MESSAGES));
    registry.observe_url(&url);
    let none = WorkingQueryIds::new();
    assert_eq!(
        registry.candidates(QueryKind::MessagesByAnchor, &none)[0],
        id(UNKNOWN_MESSAGES)
    );
    // For another variant it is known to answer the wrong one: offered last.
    let latest = registry.candidates(QueryKind::MessagesLatest, &none);
    assert_eq!(latest[0], id(OTHER_MESSAGES), "variant unknown comes first");
    assert_eq!(latest.last(), Some(&id(UNKNOWN_MESSAGES)));
    // The variant survives storage.
    let stored: QueryIdRegistry =
        serde_json::from_value(serde_json::to_value(&registry).unwrap()).unwrap();
    assert_eq!(stored, registry);
}
