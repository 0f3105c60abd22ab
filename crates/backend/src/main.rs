//! `ping-backend`: serve, manage users, export, print the configuration.

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use ping_backend::clock::{Clock, SystemClock};
use ping_backend::export;
use ping_backend::secrets::{generated_password, hash_password};
use ping_backend::settings::{DatabaseUrl, Secret, Settings};
use ping_backend::store::sql::SqlStore;
use ping_backend::store::{LibraryStore as _, UserStore as _};

#[derive(Parser)]
#[command(name = "ping-backend", version, about = "The Ping companion backend")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the web UI (creates the first login on first start).
    Serve(Settings),
    /// Manage web logins.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a user's contacts or conversations to a file or stdout.
    Export(ExportArgs),
    /// Print the effective settings (secrets redacted).
    PrintConfig(Settings),
}

#[derive(Args)]
struct Database {
    #[arg(
        long,
        env = "PING_DATABASE_URL",
        default_value = "sqlite://data/ping.db"
    )]
    database_url: DatabaseUrl,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a login: asks for a password on a terminal (empty: generate one and print it).
    Add {
        email: String,
        /// Read the password from standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportKind {
    /// Contacts as vCard 4.0.
    ContactsVcard,
    /// Contacts as CSV.
    ContactsCsv,
    /// Conversations with their messages as JSON.
    Conversations,
}

#[derive(Args)]
struct ExportArgs {
    kind: ExportKind,
    /// Whose data.
    #[arg(long, default_value = "admin@localhost")]
    user: String,
    /// Write here instead of stdout.
    #[arg(long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    database: Database,
}

async fn add_user(email: &str, password_stdin: bool, database: &Database) -> anyhow::Result<()> {
    let store = SqlStore::connect(database.database_url.expose()).await?;
    let (password, generated) = if password_stdin {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input)?;
        (
            Secret::new(input.trim_end_matches(['\n', '\r']).to_owned()),
            false,
        )
    } else if std::io::stdin().is_terminal() {
        let typed = rpassword::prompt_password("Password (leave empty to generate one): ")?;
        if typed.is_empty() {
            (Secret::new(generated_password()), true)
        } else {
            (Secret::new(typed), false)
        }
    } else {
        (Secret::new(generated_password()), true)
    };
    if password.expose().chars().count() < 8 {
        bail!("the password must have at least 8 characters");
    }
    let hash = hash_password(password.expose())?;
    let email = email.trim().to_lowercase();
    store
        .create_user(&email, &hash, SystemClock::default().now())
        .await
        .with_context(|| format!("adding {email}"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "added {email}")?;
    if generated {
        writeln!(out, "password: {} (shown once)", password.expose())?;
    }
    Ok(())
}

async fn export(args: &ExportArgs) -> anyhow::Result<()> {
    let store = SqlStore::connect(args.database.database_url.expose()).await?;
    let user = store
        .find_user_by_email(&args.user.trim().to_lowercase())
        .await?
        .with_context(|| format!("no user {}", args.user))?;
    let body = match args.kind {
        ExportKind::ContactsVcard => export::vcards(&store.export_contacts(user.id).await?),
        ExportKind::ContactsCsv => export::csv(&store.export_contacts(user.id).await?)?,
        ExportKind::Conversations => {
            export::conversations_json(&store.all_conversations(user.id).await?)
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, body).with_context(|| format!("writing {}", path.display()))?
        }
        None => std::io::stdout().lock().write_all(body.as_bytes())?,
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "ping_backend=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve(settings) => ping_backend::server::serve(settings).await,
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    password_stdin,
                    database,
                },
        } => add_user(&email, password_stdin, &database).await,
        Command::Export(args) => export(&args).await,
        Command::PrintConfig(settings) => {
            std::io::stdout()
                .lock()
                .write_all(settings.describe().as_bytes())?;
            Ok(())
        }
    }
}
