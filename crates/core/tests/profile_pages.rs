//! Golden profile pages: every `tests/fixtures/linkedin/profile-page-*/` directory holds a
//! `case.json` (`{"parser": "profilePage", "url": …}`), an `input.html` and the
//! `expected.json` that `parse_profile_page` must return.
//!
//! Run: `cargo test -p ping-core --test main profile_pages::`. After a deliberate change, rewrite
//! the expectations with `BLESS=1 cargo test -p ping-core --test main profile_pages::` and
//! review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use ping_core::profile_page::{ProfilePageError, parse_profile_page};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Case {
    parser: String,
    url: String,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/linkedin")
}

fn profile_page_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures())
        .expect("the fixtures directory exists")
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("profile-page-"))
        })
        .collect();
    cases.sort();
    cases
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_profile_page_fixture_parses_to_its_expected_capture() {
    let cases = profile_page_cases();
    assert!(
        cases.len() >= 8,
        "expected the profile page fixtures, found {cases:?}"
    );
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for dir in &cases {
        let case: Case = serde_json::from_str(&read(&dir.join("case.json"))).expect("case.json");
        assert_eq!(case.parser, "profilePage", "{}", dir.display());
        let capture = parse_profile_page(&read(&dir.join("input.html")), &case.url)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let actual = serde_json::to_value(&capture).expect("a capture serializes");
        let expected_path = dir.join("expected.json");
        if bless {
            let pretty = serde_json::to_string_pretty(&actual).expect("JSON");
            fs::write(&expected_path, pretty + "\n").expect("expected.json is writable");
            continue;
        }
        let expected: Value = serde_json::from_str(&read(&expected_path)).expect("expected.json");
        if actual != expected {
            failures.push(format!(
                "{}:\n{}",
                dir.display(),
                serde_json::to_string_pretty(&actual).expect("JSON")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "captures differ:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_fixture_pages_are_complete_html_documents() {
    for dir in profile_page_cases() {
        let html = read(&dir.join("input.html"));
        assert!(html.starts_with("<!DOCTYPE html>"), "{}", dir.display());
        assert!(html.trim_end().ends_with("</html>"), "{}", dir.display());
    }
}

#[test]
fn no_fixture_page_passes_as_another_members_profile() {
    for dir in profile_page_cases() {
        let html = read(&dir.join("input.html"));
        let result =
            parse_profile_page(&html, "https://www.linkedin.com/in/someone-else-entirely/");
        assert!(
            matches!(result, Err(ProfilePageError::AnotherProfile { .. })),
            "{}: {result:?}",
            dir.display()
        );
    }
}
