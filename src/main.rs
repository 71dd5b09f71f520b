//! The `koteshen` command: `serve` (the default), `migrate`, `healthcheck`, `admin …`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use koteshen::clock::Clock;
use koteshen::config::Config;
use koteshen::managed_db::ManagedDatabase;
use koteshen::startup::{Application, shutdown_signal};
use koteshen::{db, telemetry};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "koteshen", version, about = "A self-hostable billing server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Create and migrate the database if needed, then serve the API (the default), with
    /// the background workers unless WORKERS=false.
    Serve,
    /// Run only the background workers (email, reminders, recurring, webhooks).
    Worker,
    /// Create the database if needed and apply pending migrations, then exit.
    Migrate,
    /// Exit 0 when the server on this machine answers /readyz with 200 (for Docker's
    /// HEALTHCHECK, so the image needs no curl).
    Healthcheck,
    /// Accounts, OAuth clients and tokens for self-hosters (prints JSON).
    #[command(subcommand)]
    Admin(Admin),
}

#[derive(Subcommand)]
enum Admin {
    /// Create a business and its owner.
    CreateUser {
        #[arg(long)]
        email: String,
        /// Also read from KOTESHEN_PASSWORD, else from the first line of standard input.
        #[arg(
            long,
            env = "KOTESHEN_PASSWORD",
            hide_env_values = true,
            allow_hyphen_values = true
        )]
        password: Option<String>,
        #[arg(long)]
        business_name: String,
    },
    /// Register an OAuth client; prints its client_id and (once) its client_secret.
    CreateClient {
        #[arg(long)]
        name: String,
        /// An exact redirect URI; repeat for several. Optional with --owner-email.
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        #[arg(long, default_value = "read write")]
        scopes: String,
        /// A public client (no secret; PKCE required), e.g. a mobile or single-page app.
        #[arg(long)]
        public: bool,
        /// The user the application's client-credentials tokens act for (its business's
        /// data); without it the application cannot use that grant.
        #[arg(long)]
        owner_email: Option<String>,
    },
    /// Issue a token for a user and client, shaped as /oauth/token answers.
    IssueToken {
        #[arg(long)]
        email: String,
        /// Client ids are random base64url and may begin with `-`.
        #[arg(long, allow_hyphen_values = true)]
        client_id: String,
        #[arg(long, default_value = "read write")]
        scopes: String,
    },
}

/// The password from the flag or environment, else the first line of standard input.
fn password_or_stdin(password: Option<String>) -> anyhow::Result<String> {
    if let Some(password) = password {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(
        !password.is_empty(),
        "no password: pass --password, set KOTESHEN_PASSWORD, or write it to standard input"
    );
    Ok(password)
}

async fn admin(config: Config, command: Admin) -> anyhow::Result<()> {
    db::ensure_database(&config.database_url).await?;
    let pool = db::connect(&config).await?;
    db::migrate(&pool).await?;
    let clock = Clock::system();
    let output = match command {
        Admin::CreateUser {
            email,
            password,
            business_name,
        } => {
            let password = password_or_stdin(password)?;
            koteshen::admin::create_user(&pool, &clock, &email, &password, &business_name).await?
        }
        Admin::CreateClient {
            name,
            redirect_uris,
            scopes,
            public,
            owner_email,
        } => {
            koteshen::admin::create_client(
                &pool,
                &clock,
                &name,
                &redirect_uris,
                &scopes,
                public,
                owner_email.as_deref(),
            )
            .await?
        }
        Admin::IssueToken {
            email,
            client_id,
            scopes,
        } => koteshen::admin::issue_token(&pool, &clock, &email, &client_id, &scopes).await?,
    };
    println!("{}", serde_json::to_string_pretty(&output)?);
    pool.close().await;
    Ok(())
}

/// Without DATABASE_URL: joins or starts the managed PostgreSQL and points the
/// configuration at it. Before the runtime and the API, so the server is up when the
/// API listens; the caller drops it after both, which stops it when no one else uses it.
fn managed_database(config: &mut Config) -> anyhow::Result<ManagedDatabase> {
    let db = ManagedDatabase::start(&config.managed_settings())?;
    config.database_url = db.url("koteshen");
    tracing::info!(
        "{} managed PostgreSQL {} on 127.0.0.1:{} (DATABASE_URL is unset), data in {}; \
         reach it with: {}",
        if db.started {
            "started"
        } else {
            "joined the running"
        },
        db.version,
        db.port,
        db.data_dir.display(),
        db.psql_command("koteshen"),
    );
    Ok(db)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("koteshen: {err}");
            return ExitCode::from(2);
        }
    };
    // Admin commands print JSON on stdout, where logs would go: they log nothing.
    let _log = (!matches!(cli.command, Some(Command::Admin(_))))
        .then(|| telemetry::init(config.log_format));
    let needs_database = !matches!(cli.command, Some(Command::Healthcheck));
    let managed = match (needs_database && config.database_is_managed())
        .then(|| managed_database(&mut config))
        .transpose()
    {
        Ok(managed) => managed,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "koteshen stopped");
            eprintln!("koteshen: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("koteshen: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => {
                let app = Application::build(config, Clock::system()).await?;
                app.run_until(shutdown_signal()).await
            }
            Command::Worker => koteshen::startup::run_workers(config, shutdown_signal()).await,
            Command::Healthcheck => koteshen::startup::healthcheck(config.port).await,
            Command::Admin(command) => admin(config, command).await,
            Command::Migrate => {
                db::ensure_database(&config.database_url).await?;
                let pool = db::connect(&config).await?;
                db::migrate(&pool).await?;
                tracing::info!("migrations applied");
                Ok(())
            }
        }
    });
    // The runtime goes first, so whatever its tasks log on the way out is written
    // before the log guard (dropped last) flushes.
    drop(runtime);
    // The managed PostgreSQL goes after everything that used it.
    if let Some(managed) = managed
        && let Err(err) = managed.stop()
    {
        eprintln!("koteshen: {err:#}");
        return ExitCode::FAILURE;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "koteshen stopped");
            eprintln!("koteshen: {err:#}");
            ExitCode::FAILURE
        }
    }
}
