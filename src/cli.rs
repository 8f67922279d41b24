//! The command line: `serve` (the default) and `migrate`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{config::Settings, serve};

#[derive(Debug, Parser)]
#[command(
    name = "capliquify",
    version,
    about = "CapLiquify: working-capital intelligence for manufacturers",
    after_help = crate::config::variables_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default). Applies pending migrations first;
    /// without DATABASE_URL it starts the embedded PostgreSQL under DATA_DIR.
    Serve,
    /// Apply pending platform migrations and exit.
    Migrate {
        /// Apply nothing; exit with status 1 when any migration is pending.
        #[arg(long)]
        check: bool,
    },
}

pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<ExitCode> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::serve(settings).await.map(|()| ExitCode::SUCCESS),
        Command::Migrate { check } => serve::migrate(settings, check).await,
    }
}
