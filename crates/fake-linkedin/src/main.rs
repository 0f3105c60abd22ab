//! `fake-linkedin`: runs the fake LinkedIn server until interrupted.
//!
//! Prints `fake-linkedin listening on <base url>` on stdout once it accepts connections.

use std::io::Write as _;
use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use fake_linkedin::{
    AccountSpec, AnchorOrder, FakeConfig, FakeServer, LastPageShape, LimiterClock, Limits, Mix,
    RotationAnswer, Tuning,
};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AnchorOrderArg {
    Ascending,
    NewestFirst,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RotationArg {
    BadRequest,
    GraphqlErrors,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LastPageArg {
    NullCursor,
    EmptyPage,
}

/// A Voyager look-alike LinkedIn server for tests and demos.
#[derive(Debug, Parser)]
#[command(name = "fake-linkedin", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8443")]
    bind: SocketAddr,
    /// Serve HTTPS with a generated certificate (SANs www.linkedin.com, media.licdn.com,
    /// localhost, 127.0.0.1).
    #[arg(long)]
    tls: bool,
    /// Write the certificate PEM to this file (with --tls).
    #[arg(long)]
    cert_out: Option<PathBuf>,
    /// Number of conversations.
    #[arg(long, default_value_t = 50)]
    conversations: usize,
    /// Messages per conversation, `A..B` (inclusive) or `N`.
    #[arg(long, default_value = "0..40", value_parser = parse_range)]
    messages_per_conversation: RangeInclusive<usize>,
    /// Seed of the generated account.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Percent of conversations whose list entry embeds the last message.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(0..=100))]
    embed_last_percent: u32,
    /// Order of anchor-timestamp message pages.
    #[arg(long, value_enum, default_value = "ascending")]
    anchor_order: AnchorOrderArg,
    /// How the category conversation list ends.
    #[arg(long, value_enum, default_value = "null-cursor")]
    last_page: LastPageArg,
    /// Fixtures directory (profile pages `/in/fixture-<case>/`).
    #[arg(long)]
    fixtures_dir: Option<PathBuf>,
    /// The accepted `li_at` cookie value.
    #[arg(long, default_value = "AQEDfakeLiAtSession")]
    li_at: String,
    /// The `JSESSIONID` cookie value, with quotes.
    #[arg(long, default_value = "\"ajax:5128830019927411742\"")]
    jsessionid: String,
    /// Percent of group chats.
    #[arg(long, default_value_t = 10)]
    group_percent: u8,
    /// Percent of InMail threads.
    #[arg(long, default_value_t = 12)]
    inmail_percent: u8,
    /// Percent of pending message requests.
    #[arg(long, default_value_t = 3)]
    request_percent: u8,
    /// Percent of sponsored threads.
    #[arg(long, default_value_t = 5)]
    sponsored_percent: u8,
    /// How an unknown (rotated) query hash is answered.
    #[arg(long, value_enum, default_value = "bad-request")]
    rotation_answer: RotationArg,
    /// Lifetime of the picture URLs handed out, in seconds (negative: already expired).
    #[arg(long, default_value_t = 60 * 24 * 3600, allow_hyphen_values = true)]
    media_ttl_secs: i64,
    /// Lifetime of the message attachment URLs handed out, in seconds (negative: already expired).
    #[arg(long, default_value_t = 3600, allow_hyphen_values = true)]
    attachment_ttl_secs: i64,
    /// Picture URLs point at this server's `/media/` prefix instead of media.licdn.com, and
    /// attachment URLs at this server instead of www.linkedin.com.
    #[arg(long)]
    media_direct: bool,
    /// Category variants list only the requested category (default: the whole mailbox).
    #[arg(long)]
    filter_categories: bool,
    /// Punish calling too much like LinkedIn: 429 over a limit, a checkpoint when the client
    /// keeps calling, then a revoked session (the control API reads and changes it).
    #[arg(long)]
    limiter: bool,
    /// With --limiter: calls allowed in any 60 seconds.
    #[arg(long, requires = "limiter", default_value_t = Limits::default().per_minute)]
    limiter_per_minute: u32,
    /// With --limiter: calls allowed in any hour.
    #[arg(long, requires = "limiter", default_value_t = Limits::default().per_hour)]
    limiter_per_hour: u32,
    /// With --limiter: calls made while limited that still get a 429 before the checkpoint.
    #[arg(long, requires = "limiter", default_value_t = Limits::default().strikes)]
    limiter_strikes: u32,
}

fn parse_range(raw: &str) -> Result<RangeInclusive<usize>, String> {
    let number = |s: &str| s.trim().parse::<usize>().map_err(|e| format!("{s:?}: {e}"));
    let (low, high) = match raw.split_once("..") {
        Some((low, high)) => (number(low)?, number(high.trim_start_matches('='))?),
        None => (number(raw)?, number(raw)?),
    };
    if low > high {
        return Err(format!("empty range {raw}"));
    }
    Ok(low..=high)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let config = FakeConfig {
        account: AccountSpec {
            seed: args.seed,
            conversations: args.conversations,
            messages_per_conversation: args.messages_per_conversation,
            embed_last_percent: args.embed_last_percent,
        },
        tls: args.tls,
        li_at: args.li_at,
        jsessionid: args.jsessionid,
        anchor_order: match args.anchor_order {
            AnchorOrderArg::Ascending => AnchorOrder::Ascending,
            AnchorOrderArg::NewestFirst => AnchorOrder::NewestFirst,
        },
        last_page: match args.last_page {
            LastPageArg::NullCursor => LastPageShape::NullCursor,
            LastPageArg::EmptyPage => LastPageShape::EmptyPage,
        },
        fixtures_dir: args.fixtures_dir,
        limiter: args.limiter.then_some(Limits {
            per_minute: args.limiter_per_minute,
            per_hour: args.limiter_per_hour,
            strikes: args.limiter_strikes,
        }),
        limiter_clock: LimiterClock::Real,
    };
    let tuning = Tuning {
        mix: Mix {
            group: args.group_percent,
            inmail: args.inmail_percent,
            request: args.request_percent,
            sponsored: args.sponsored_percent,
        },
        rotation_answer: match args.rotation_answer {
            RotationArg::BadRequest => RotationAnswer::BadRequest,
            RotationArg::GraphqlErrors => RotationAnswer::GraphqlErrors,
        },
        media_ttl_secs: args.media_ttl_secs,
        attachment_ttl_secs: args.attachment_ttl_secs,
        media_direct: args.media_direct,
        filter_categories: args.filter_categories,
    };
    let server = FakeServer::start_with(config, tuning, args.bind).await?;
    if let (Some(path), Some(pem)) = (&args.cert_out, server.cert_pem()) {
        std::fs::write(path, pem)?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "fake-linkedin listening on {}", server.base_url())?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    server.shutdown();
    Ok(())
}
