//! LinkedIn's own data export of the fake's account ("Get a copy of your data"): a ZIP of
//! `messages.csv`, `Connections.csv`, `Invitations.csv` and `Profile.csv` shaped like a 2025
//! export (linkedin-data-export.md), for the import tests of the browser suite. It holds the
//! mailbox as it is when asked: later activity is only in the live answers. `ATTACHMENTS` holds
//! each message's attachment URL, signed when the export is made.

use std::io::{Cursor, Write as _};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::attachments;
use crate::data::message::details;
use crate::data::{Account, ConvKind, Member, Party};
use crate::media::MediaCtx;

/// `https://www.linkedin.com/in/<slug>`, without a trailing slash as the export writes it.
fn profile_url(member: &Member) -> String {
    format!("https://www.linkedin.com/in/{}", member.public_identifier)
}

fn full_name(member: &Member) -> String {
    format!("{} {}", member.first_name, member.last_name)
}

/// A CSV field, quoted when it must be.
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn row(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// `2025-03-04 16:02:09 UTC` (whole seconds, truncated).
fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

fn messages_csv(account: &Account, ctx: &MediaCtx) -> String {
    let mut out = row(&[
        "CONVERSATION ID",
        "CONVERSATION TITLE",
        "FROM",
        "SENDER PROFILE URL",
        "TO",
        "RECIPIENT PROFILE URLS",
        "DATE",
        "SUBJECT",
        "CONTENT",
        "FOLDER",
        "ATTACHMENTS",
        "IS MESSAGE DRAFT",
    ]);
    let name = |party: &Party| match party {
        Party::Member(i) => full_name(&account.members[*i]),
        Party::Org(i) => account.organizations[*i].name.clone(),
    };
    let url = |party: &Party| match party {
        Party::Member(i) => profile_url(&account.members[*i]),
        Party::Org(_) => String::new(),
    };
    for conversation in account.ordered() {
        let folder = if conversation.kind == ConvKind::Sponsored {
            "ARCHIVE"
        } else {
            "INBOX"
        };
        // Newest first within a conversation, as LinkedIn writes them.
        for ordinal in (0..conversation.messages.len()).rev() {
            let message = &conversation.messages[ordinal];
            let sender = &conversation.parties[usize::from(message.sender)];
            let others: Vec<&Party> = conversation
                .parties
                .iter()
                .filter(|party| *party != sender)
                .collect();
            let to = others
                .iter()
                .map(|p| name(p))
                .collect::<Vec<_>>()
                .join(", ");
            let to_urls = others
                .iter()
                .map(|p| url(p))
                .filter(|u| !u.is_empty())
                .collect::<Vec<_>>()
                .join(",");
            let rendered = details(account.seed, conversation, ordinal);
            let attachment = rendered.attachment.as_ref().map_or(String::new(), |a| {
                attachments::url(ctx, conversation, ordinal, a)
            });
            // Exports escape ampersands; advertisers' messages are HTML.
            let escaped = rendered.body.replace('&', "&amp;");
            let content = match sender {
                Party::Org(_) => format!(
                    "<p class=\"spinmail-quill-editor__spin-break\">{}</p>",
                    escaped.replace('\n', "<br>")
                ),
                Party::Member(_) => escaped,
            };
            out.push_str(&row(&[
                &conversation.thread_id,
                conversation.title.as_deref().unwrap_or_default(),
                &name(sender),
                &url(sender),
                &to,
                &to_urls,
                &date(message.at),
                rendered.subject.unwrap_or_default(),
                &content,
                folder,
                &attachment,
                "No",
            ]));
        }
    }
    out
}

fn connections_csv(account: &Account) -> String {
    let mut out = String::from(
        "Notes:\n\"When exporting your connection data, you may notice that some of the email \
         addresses are missing. You will only see email addresses for connections who have \
         allowed their connections to see or download their email address.\"\n\n",
    );
    out.push_str(&row(&[
        "First Name",
        "Last Name",
        "URL",
        "Email Address",
        "Company",
        "Position",
        "Connected On",
    ]));
    for member in account.members.iter().skip(1) {
        if member.distance != "DISTANCE_1" {
            continue;
        }
        out.push_str(&row(&[
            &member.first_name,
            &member.last_name,
            &profile_url(member),
            "",
            &member.company,
            &member.title,
            "04 Mar 2025",
        ]));
    }
    // LinkedIn's file has no final newline.
    out.pop();
    out
}

/// The ZIP archive of the account as it is now, attachment URLs signed per `ctx`.
pub fn archive(account: &Account, ctx: &MediaCtx) -> std::io::Result<Vec<u8>> {
    let owner = account.owner();
    let files = [
        ("messages.csv", messages_csv(account, ctx)),
        ("Connections.csv", connections_csv(account)),
        (
            "Invitations.csv",
            row(&[
                "From",
                "To",
                "Sent At",
                "Message",
                "Direction",
                "inviterProfileUrl",
                "inviteeProfileUrl",
            ]) + &row(&[
                &full_name(owner),
                "Someone New",
                "1/9/25, 3:07 PM",
                "",
                "OUTGOING",
                &profile_url(owner),
                "https://www.linkedin.com/in/someone-new",
            ]),
        ),
        (
            "Profile.csv",
            row(&["First Name", "Last Name", "Headline"])
                + &row(&[&owner.first_name, &owner.last_name, &owner.headline()]),
        ),
        (
            "guide_messages.csv",
            "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n"
                .to_owned(),
        ),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, body) in files {
        zip.start_file(name, options)
            .map_err(std::io::Error::other)?;
        zip.write_all(body.as_bytes())?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}
