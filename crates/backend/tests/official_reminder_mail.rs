//! The expiry reminder by email: sent through a tiny in-process SMTP sink once the connection
//! enters the reminder window, and never twice for the same token end (time injected).

use std::sync::{Arc, Mutex};

use chrono::Duration;
use serde_json::json;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;

use crate::official_helpers::*;

/// The messages (their DATA) an SMTP sink received.
type Inbox = Arc<Mutex<Vec<String>>>;

/// A plain SMTP server speaking just enough for one client at a time: 220, EHLO/HELO → 250,
/// MAIL/RCPT/RSET/NOOP → 250, DATA → 354 … `.` → 250, QUIT → 221. Its address and inbox.
async fn smtp_sink() -> (String, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let inbox = Inbox::default();
    let received = inbox.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
            let mut data: Option<String> = None;
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(message) = data.as_mut() {
                    if line == "." {
                        received.lock().unwrap().push(data.take().unwrap());
                        write.write_all(b"250 queued\r\n").await.unwrap();
                    } else {
                        message.push_str(&line);
                        message.push('\n');
                    }
                    continue;
                }
                let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                let reply: &[u8] = match verb.as_str() {
                    "EHLO" | "HELO" => b"250 sink\r\n",
                    "DATA" => {
                        data = Some(String::new());
                        b"354 go on\r\n"
                    }
                    "QUIT" => {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    }
                    _ => b"250 ok\r\n",
                };
                write.write_all(reply).await.unwrap();
            }
        }
    });
    (address, inbox)
}

#[tokio::test]
async fn the_expiry_reminder_is_emailed_once_for_a_token_end() {
    let (address, inbox) = smtp_sink().await;
    let official = official_app_with(|settings| {
        settings.smtp_url = Some(format!("smtp://{address}").parse().unwrap());
        settings.reminder_email_to = Some("ops@example.com".into());
        settings.reminder_email_from = "Ping <ping@example.com>".into();
    })
    .await;
    official
        .control("app", json!({"refreshTokens": false}))
        .await;
    official.connect(&LEAD_SCOPES).await;

    official.app.clock.advance(Duration::days(52));
    official.run_job().await;
    assert!(inbox.lock().unwrap().is_empty(), "8 days left: no reminder");

    official.app.clock.advance(Duration::days(2));
    official.run_job().await;
    official.run_job().await;
    official.app.clock.advance(Duration::days(1));
    official.run_job().await;

    let messages = inbox.lock().unwrap().clone();
    assert_eq!(messages.len(), 1, "once: {messages:?}");
    let message = &messages[0];
    assert!(message.contains("To: ops@example.com"), "{message}");
    assert!(message.contains("Subject: Ping: the LinkedIn connection ends in 6 days"));
    assert!(message.contains("ada@example.com"));
    assert!(message.contains("/settings/integrations/linkedin/app"));
}

#[tokio::test]
async fn a_reminder_the_smtp_server_did_not_take_is_tried_again() {
    // Nothing listens here at first: the send fails and the claim is given back.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    drop(listener);
    let official = official_app_with(|settings| {
        settings.smtp_url = Some(format!("smtp://{address}").parse().unwrap());
        settings.reminder_email_to = Some("ops@example.com".into());
    })
    .await;
    official
        .control("app", json!({"refreshTokens": false}))
        .await;
    official.connect(&LEAD_SCOPES).await;
    official.app.clock.advance(Duration::days(55));
    official.run_job().await;
    let reminded: Option<i64> = sqlx::query_scalar("SELECT reminded_for FROM official_connections")
        .fetch_one(official.app.store.pool())
        .await
        .unwrap();
    assert_eq!(reminded, None, "not marked sent");
}
