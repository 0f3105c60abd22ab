//! Golden fixtures: every directory under `tests/fixtures/linkedin/` is one case, read by the
//! parser its `case.json` names and compared with its `expected.json`. Adding a case needs no
//! code; the schema is in `tests/fixtures/linkedin/README.md`.
//!
//! Run: `cargo test -p ping-core --test main golden::`. After a deliberate change, rewrite the
//! expectations with `UPDATE_GOLDEN=1 cargo test -p ping-core --test main golden::` and review
//! the diff.
//! `GOLDEN_CASES=messages-,interpret-401` limits a run (and a rewrite) to cases whose directory
//! name starts with one of the comma-separated prefixes.

use std::fs;
use std::path::{Path, PathBuf};

use ping_core::profile_page::parse_profile_page;
use ping_core::voyager::{
    HttpResponse, MemberIdentity, VoyagerCall, interpret, parse_conversations, parse_me,
    parse_messages, parse_profile,
};
use serde::Deserialize;
use serde_json::{Value, json};

/// Which parser a case exercises.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Parser {
    Conversations,
    Messages,
    Me,
    Profile,
    ProfilePage,
    Interpret,
}

/// `case.json`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Case {
    parser: Parser,
    /// What the case shows, for people reading the fixture.
    #[serde(default)]
    description: Option<String>,
    /// The call whose answer the input is (conversations, messages, profile, interpret).
    #[serde(default)]
    call: Option<VoyagerCall>,
    /// The page URL (profilePage).
    #[serde(default)]
    url: Option<String>,
    /// The HTTP answer around the input (interpret).
    #[serde(default = "ok")]
    status: u16,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    redirected_to: Option<String>,
}

fn ok() -> u16 {
    200
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/linkedin")
}

fn cases() -> Vec<PathBuf> {
    let only = std::env::var("GOLDEN_CASES").unwrap_or_default();
    let selected = |path: &Path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        only.is_empty()
            || only
                .split(',')
                .any(|prefix| name.starts_with(prefix.trim()))
    };
    let mut dirs: Vec<PathBuf> = fs::read_dir(fixtures())
        .expect("tests/fixtures/linkedin exists")
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.join("case.json").is_file() && selected(path))
        .collect();
    dirs.sort();
    dirs
}

/// The case's input: `input.json`, `input.html` or `input.txt`; none means an empty body.
fn input(dir: &Path) -> String {
    ["input.json", "input.html", "input.txt"]
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
        .map(|path| fs::read_to_string(path).expect("a readable input"))
        .unwrap_or_default()
}

fn rendered<T: serde::Serialize, E: std::fmt::Display>(result: Result<T, E>) -> Value {
    match result {
        Ok(value) => serde_json::to_value(value).expect("parser output serializes"),
        Err(error) => json!({ "err": error.to_string() }),
    }
}

/// Runs the case's parser; `Err` when the case itself is incomplete.
fn run(case: &Case, body: &str) -> Result<Value, String> {
    let call = || case.call.as_ref().ok_or("this parser needs \"call\"");
    Ok(match case.parser {
        Parser::Conversations | Parser::Messages => {
            let call = call()?;
            let kind = call
                .query_kind()
                .ok_or("the call is not a messaging call")?;
            match call {
                VoyagerCall::Messages { conversation, .. } => {
                    rendered(parse_messages(body, kind, Some(conversation)))
                }
                _ => rendered(parse_conversations(body, kind)),
            }
        }
        Parser::Me => rendered(parse_me(body)),
        Parser::Profile => match call()? {
            VoyagerCall::Profile { member } => rendered(parse_profile(body, member)),
            _ => return Err("the profile parser needs a Profile call".to_owned()),
        },
        Parser::ProfilePage => {
            let url = case.url.as_deref().ok_or("profilePage needs \"url\"")?;
            rendered(parse_profile_page(body, url))
        }
        Parser::Interpret => {
            let response = HttpResponse {
                status: case.status,
                headers: case.headers.clone(),
                body: body.to_owned(),
                redirected_to: case.redirected_to.clone(),
            };
            match interpret(call()?, &response) {
                Ok(answer) => json!({ "ok": answer }),
                Err(failure) => json!({ "err": failure }),
            }
        }
    })
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("JSON renders") + "\n"
}

fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header("expected.json", "actual")
        .to_string()
}

#[test]
fn every_fixture_parses_to_its_expected_output() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dirs = cases();
    let filtered = std::env::var_os("GOLDEN_CASES").is_some();
    assert!(
        filtered || dirs.len() >= 30,
        "expected the golden fixtures, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let case: Case = match serde_json::from_str(
            &fs::read_to_string(dir.join("case.json")).expect("case.json"),
        ) {
            Ok(case) => case,
            Err(e) => {
                failures.push(format!("{name}: case.json: {e}"));
                continue;
            }
        };
        let actual = match run(&case, &input(dir)) {
            Ok(actual) => pretty(&actual),
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let expected_path = dir.join("expected.json");
        if update {
            fs::write(&expected_path, &actual).expect("expected.json is writable");
            continue;
        }
        let expected = fs::read_to_string(&expected_path)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .map(|value| pretty(&value));
        match expected {
            None => failures.push(format!(
                "{name}: no readable expected.json (UPDATE_GOLDEN=1 writes it)"
            )),
            Some(expected) if expected != actual => failures.push(format!(
                "{name}{}:\n{}",
                case.description
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default(),
                diff(&expected, &actual)
            )),
            Some(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases differ:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

#[test]
fn a_profile_call_deserializes_from_case_json() {
    let call: VoyagerCall = serde_json::from_value(json!({
        "call": "profile", "member": {"by": "id", "value": "ACoAAPeer00000000000000000000000000000000"}
    }))
    .expect("the documented call form");
    assert!(matches!(
        call,
        VoyagerCall::Profile {
            member: MemberIdentity::Id(_)
        }
    ));
}
