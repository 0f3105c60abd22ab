//! The `fake-linkedin` binary: flags, the ready line and the certificate file.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Kills the child when the test ends, even on failure.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` (on a free port) and reads its base URL from the ready line.
fn spawn(args: &[&str]) -> (Running, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_fake-linkedin"))
        .args(["--bind", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let mut line = String::new();
    BufReader::new(running.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("fake-linkedin listening on ")
        .unwrap()
        .to_owned();
    (running, base)
}

#[tokio::test]
async fn the_binary_prints_its_ready_line_and_writes_the_certificate() {
    let cert = std::env::temp_dir().join(format!("fake-linkedin-{}.pem", std::process::id()));
    let (_running, base) = spawn(&[
        "--tls",
        "--conversations",
        "5",
        "--messages-per-conversation",
        "0..3",
        "--seed",
        "3",
        "--anchor-order",
        "newest-first",
        "--last-page",
        "empty-page",
        "--cert-out",
        cert.to_str().unwrap(),
    ]);
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");

    let pem = std::fs::read(&cert).unwrap();
    std::fs::remove_file(&cert).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let health = client
        .get(format!("{base}/__fake/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let snapshot: serde_json::Value = client
        .get(format!("{base}/__fake/snapshot"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(snapshot["conversations"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn limiter_flags_turn_it_on_with_the_given_limits() {
    let (_running, base) = spawn(&[
        "--limiter",
        "--limiter-per-minute",
        "2",
        "--limiter-strikes",
        "0",
    ]);
    let state: serde_json::Value = reqwest::get(format!("{base}/__fake/limiter"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["enabled"], true);
    assert_eq!(
        state["limits"],
        serde_json::json!({"perMinute": 2, "perHour": 900, "strikes": 0})
    );
}
