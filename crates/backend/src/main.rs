//! `ping-backend`: serve, manage users, export, print the configuration.

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use ping_backend::clock::{Clock, SystemClock};
use ping_backend::export;
use ping_backend::import::{ImportOptions, ImportProgress, import_linkedin_archive};
use ping_backend::secrets::random_token;
use ping_backend::secrets::{generated_password, hash_password};
use ping_backend::settings::{DatabaseUrl, Secret, Settings};
use ping_backend::store::sql::SqlStore;
use ping_backend::store::{
    ImportRecord, ImportState, ImportStore as _, LibraryStore as _, UserStore as _,
};
use ping_core::ids::ProfileUrn;

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
    /// Import data into a user's CRM.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
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

#[derive(Subcommand)]
enum ImportCommand {
    /// LinkedIn's own data export: the ZIP from Settings → Data privacy → Get a copy of your
    /// data (messages.csv, Connections.csv, …). Deduplicated against the live sync; importing
    /// twice changes nothing.
    LinkedinArchive(ArchiveArgs),
}

#[derive(Args)]
struct ArchiveArgs {
    /// Whose CRM (a web login's email).
    #[arg(long)]
    user: String,
    /// The LinkedIn account (`urn:li:fsd_profile:…`) to file the conversations under, when the
    /// user has several and none is the export's owner.
    #[arg(long)]
    account: Option<ProfileUrn>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// The ZIP archive.
    file: PathBuf,
    #[command(flatten)]
    database: Database,
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

async fn import_archive(args: &ArchiveArgs) -> anyhow::Result<()> {
    let store = SqlStore::connect(args.database.database_url.expose()).await?;
    let user = store
        .find_user_by_email(&args.user.trim().to_lowercase())
        .await?
        .with_context(|| format!("no user {}", args.user))?;
    let clock = SystemClock::default();
    let file_name = args
        .file
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut record = ImportRecord {
        id: random_token(),
        source: "cli".to_owned(),
        file_name,
        state: ImportState::Running,
        summary_json: None,
        error: None,
        started_at: clock.now(),
        finished_at: None,
    };
    store.insert_import(user.id, &record).await?;
    let terminal = std::io::stderr().is_terminal();
    let progress = move |progress: ImportProgress| {
        if terminal && progress.messages_total > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r{} {}/{} messages",
                progress.phase, progress.messages_done, progress.messages_total
            );
            let _ = err.flush();
        }
    };
    let options = ImportOptions {
        account: args.account.clone(),
    };
    let outcome = import_linkedin_archive(
        &store,
        user.id,
        &args.file,
        &options,
        clock.now(),
        Arc::new(progress),
    )
    .await;
    if terminal {
        eprintln!();
    }
    record.finished_at = Some(clock.now());
    let summary = match outcome {
        Ok(summary) => summary,
        Err(error) => {
            record.state = ImportState::Failed;
            record.error = Some(error.to_string());
            store.finish_import(user.id, &record).await?;
            bail!("{}: {error} (nothing was imported)", args.file.display());
        }
    };
    record.state = ImportState::Done;
    record.summary_json = Some(serde_json::to_string(&summary)?);
    store.finish_import(user.id, &record).await?;
    let text = if args.json {
        format!("{}\n", serde_json::to_string_pretty(&summary)?)
    } else {
        summary.describe()
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
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
        Command::Import {
            command: ImportCommand::LinkedinArchive(args),
        } => import_archive(&args).await,
        Command::PrintConfig(settings) => {
            std::io::stdout()
                .lock()
                .write_all(settings.describe().as_bytes())?;
            Ok(())
        }
    }
}
