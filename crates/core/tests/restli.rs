//! Property tests of the Rest.li encoding: whatever the strings, encoding then decoding gives
//! the same tree, and the encoded text never lets a reserved character through raw.

use ping_core::restli::{RestliError, RestliValue};
use proptest::prelude::*;

/// Strings that stress the encoder: reserved punctuation, `%`, quotes, unicode, the empty string.
fn awkward_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[():,=%'List ]{0,8}",
        "[a-zA-Z0-9_.~-]{0,12}",
        Just(String::new()),
        Just("List(".to_owned()),
        Just("urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAX,2-YQ==)".to_owned()),
        Just("مرحبا 👋 שלום".to_owned()),
    ]
}

fn value_tree() -> impl Strategy<Value = RestliValue> {
    let leaf = awkward_string().prop_map(RestliValue::Scalar);
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(RestliValue::List),
            prop::collection::vec((awkward_string(), inner), 0..5).prop_map(RestliValue::Tuple),
        ]
    })
}

proptest! {
    #[test]
    fn encoding_then_decoding_gives_the_same_tree(value in value_tree()) {
        let encoded = value.encode();
        prop_assert_eq!(RestliValue::decode(&encoded), Ok(value));
    }

    #[test]
    fn an_encoded_scalar_contains_only_unreserved_characters_and_escapes(text in awkward_string()) {
        let encoded = RestliValue::Scalar(text).encode();
        prop_assert!(
            encoded == "''"
                || encoded
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~%".contains(c)),
            "{}",
            encoded
        );
    }

    #[test]
    fn decoding_arbitrary_text_never_panics(text in any::<String>()) {
        let _ = RestliValue::decode(&text);
    }
}

fn urn_tuple() -> RestliValue {
    RestliValue::tuple([(
        "conversationUrn",
        RestliValue::from("urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAX,2-YQ==)"),
    )])
}

#[test]
fn urn_punctuation_is_encoded_but_tuple_punctuation_is_not() {
    assert_eq!(
        urn_tuple().encode(),
        "(conversationUrn:urn%3Ali%3Amsg_conversation%3A%28urn%3Ali%3Afsd_profile%3AACoAAX%2C2-YQ%3D%3D%29)"
    );
}

#[test]
fn nested_lists_and_tuples_render_like_linkedins_category_query() {
    let query = RestliValue::tuple([(
        "predicateUnions",
        RestliValue::List(vec![RestliValue::tuple([(
            "conversationCategoryPredicate",
            RestliValue::tuple([("category", RestliValue::from("PRIMARY_INBOX"))]),
        )])]),
    )]);
    let variables = RestliValue::tuple([("query", query), ("count", RestliValue::from(20))]);
    assert_eq!(
        variables.encode(),
        "(query:(predicateUnions:List((conversationCategoryPredicate:(category:PRIMARY_INBOX)))),count:20)"
    );
}

#[test]
fn decoding_gives_back_typed_scalars_through_the_accessors() {
    let decoded = RestliValue::decode("(count:20,flag:true,empty:'',list:List())").unwrap();
    assert_eq!(decoded.get("count").and_then(RestliValue::as_i64), Some(20));
    assert_eq!(
        decoded.get("flag").and_then(RestliValue::as_bool),
        Some(true)
    );
    assert_eq!(decoded.get("empty").and_then(RestliValue::as_str), Some(""));
    assert_eq!(
        decoded.get("list").and_then(RestliValue::as_list),
        Some(&[][..])
    );
}

#[test]
fn a_raw_parenthesis_inside_a_urn_value_is_refused() {
    let raw = "(conversationUrn:urn:li:msg_conversation:(urn:li:fsd_profile:ACoAAX,2-YQ==))";
    let err = RestliValue::decode(raw).unwrap_err();
    assert!(
        matches!(err, RestliError::Syntax { position: 41, .. }),
        "{err:?}"
    );
}

#[test]
fn a_raw_colon_inside_a_value_is_tolerated() {
    let decoded = RestliValue::decode("(mailboxUrn:urn:li:fsd_profile:ACoAAX)").unwrap();
    assert_eq!(
        decoded.get("mailboxUrn").and_then(RestliValue::as_str),
        Some("urn:li:fsd_profile:ACoAAX")
    );
}

#[test]
fn malformed_text_is_an_error_not_a_panic() {
    for bad in [
        "(a:1", "(a:1))", "(a)", "(:1)", "(a:%2)", "(a:%zz)", "List(", "(a:%ff)", "",
    ] {
        assert!(RestliValue::decode(bad).is_err(), "{bad:?} decoded");
    }
}
