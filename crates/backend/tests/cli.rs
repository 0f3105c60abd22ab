//! The `ping-backend` binary: first login, `user add`, `export`, `print-config`.

use std::io::Write as _;
use std::process::{Command, Stdio};

use ping_backend::clock::ManualClock;
use ping_backend::secrets::verify_password;
use ping_backend::server::{FIRST_USER_EMAIL, ensure_first_user};
use ping_backend::store::UserStore as _;
use ping_backend::store::sql::SqlStore;

use crate::helpers::start_time;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ping-backend"))
}

#[tokio::test]
async fn the_first_start_creates_one_admin_login_and_shows_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::connect(&format!("sqlite://{}", dir.path().join("a.db").display()))
        .await
        .unwrap();
    let clock = ManualClock::new(start_time());
    let password = ensure_first_user(&store, &clock)
        .await
        .unwrap()
        .expect("created");
    let admin = store
        .find_user_by_email(FIRST_USER_EMAIL)
        .await
        .unwrap()
        .unwrap();
    assert!(verify_password(&password, &admin.password_hash));
    assert_eq!(
        ensure_first_user(&store, &clock).await.unwrap(),
        None,
        "only once"
    );
}

#[test]
fn user_add_reads_the_password_from_stdin_and_export_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("nested/cli.db").display());
    let mut child = binary()
        .args(["user", "add", "E2E@example.com", "--password-stdin"])
        .env("PING_DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long password\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("added e2e@example.com"));
    assert!(
        !stdout.contains("a long password"),
        "the password is never echoed"
    );

    let export = binary()
        .args(["export", "contacts-csv", "--user", "e2e@example.com"])
        .env("PING_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(export.status.success());
    assert!(String::from_utf8_lossy(&export.stdout).starts_with("name,first_name,last_name,"));
}

#[test]
fn print_config_shows_overrides_and_hides_database_passwords() {
    let output = binary()
        .arg("print-config")
        .env("PING_BIND", "127.0.0.1:9999")
        .env(
            "PING_EXTRA_CA_CERTS",
            "/etc/ping/proxy-ca.pem,/etc/ping/lab-ca.pem",
        )
        .env(
            "PING_DATABASE_URL",
            "postgres://ping:hunter2@db.example/ping",
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("PING_BIND=127.0.0.1:9999"));
    assert!(stdout.contains("PING_EXTRA_CA_CERTS=/etc/ping/proxy-ca.pem,/etc/ping/lab-ca.pem"));
    assert!(stdout.contains("PING_DATABASE_URL=postgres://ping:redacted@db.example/ping"));
    assert!(!stdout.contains("hunter2"));
}
