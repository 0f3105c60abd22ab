//! Property tests of the Rest.li encoding: whatever the strings, encoding then decoding gives
//! the same tree, and the encoded text never lets a reserved character through raw.

use ping_core::restli::RestliValue;
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
