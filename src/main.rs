//! The `koteshen` command: `serve` (the default) and `migrate`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use koteshen::clock::Clock;
use koteshen::config::Config;
use koteshen::startup::{Application, shutdown_signal};
use koteshen::{db, telemetry};

#[derive(Parser)]
#[command(name = "koteshen", version, about = "A self-hostable billing server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Create and migrate the database if needed, then serve the API (the default).
    Serve,
    /// Create the database if needed and apply pending migrations, then exit.
    Migrate,
    /// Exit 0 when the server on this machine answers /readyz with 200 (for Docker's
    /// HEALTHCHECK, so the image needs no curl).
    Healthcheck,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("koteshen: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
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
            Command::Healthcheck => koteshen::startup::healthcheck(config.port).await,
            Command::Migrate => {
                db::ensure_database(&config.database_url).await?;
                let pool = db::connect(&config).await?;
                db::migrate(&pool).await?;
                tracing::info!("migrations applied");
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "koteshen stopped");
            eprintln!("koteshen: {err:#}");
            ExitCode::FAILURE
        }
    }
}
