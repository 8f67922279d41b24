//! The command line: `serve` (the default), `migrate`, `tenant`, `audit`, `admin`
//! and `worker`.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use app::admin::operators::Recovery;

use crate::{config::Settings, serve, tenants, worker};

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
    Serve {
        /// Also create the demo account and organization with sample data (once).
        #[arg(long)]
        demo: bool,
    },
    /// Apply platform migrations, then the tenant template to every tenant schema.
    Migrate {
        /// Apply nothing; exit with status 1 while anything is behind.
        #[arg(long)]
        check: bool,
        /// Tenant schemas migrated at the same time.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
        jobs: u16,
    },
    /// Manage tenants (customer organizations).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Platform operators, who use the console at /admin.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Run only the background worker (email delivery), to scale it apart from the
    /// web servers; `serve` runs one too.
    Worker,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain; exit with status 1 if a record was edited
    /// or removed.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an operator. The password (10 to 128 characters) is read from standard
    /// input: typed without echo at a terminal, or piped. Two-factor enrolment follows
    /// at their first sign-in at /operators/sign-in.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Give an operator a new password, read from standard input like `create`'s.
    /// Their sessions end and the sign-in attempts counted against them are cleared;
    /// the reset is audited.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// Remove an operator's authenticator and recovery codes (a lost phone): they
    /// enrol a new one at their next sign-in. Their sessions end; audited.
    #[command(name = "reset-2fa")]
    ResetTwoFactor {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant with its own schema (idempotent for the same name and slug).
    Create {
        /// The organization's display name.
        #[arg(long)]
        name: String,
        /// The address: 3-40 lowercase letters, digits and hyphens.
        #[arg(long)]
        slug: String,
    },
    /// List tenants with status, plan and schema version.
    List,
    /// Soft-delete a tenant: locked at once, schema dropped by a later purge.
    Delete { slug: String },
    /// Drop the schemas of tenants deleted at least this many days ago.
    Purge {
        #[arg(long, default_value_t = 30)]
        older_than_days: u32,
    },
    /// Check every tenant schema against the template; exit 1 on any problem.
    Verify,
    /// Write a tenant's data to a JSON file.
    Export { slug: String, file: PathBuf },
    /// Create a tenant from an export file (optionally under another slug).
    Import {
        file: PathBuf,
        #[arg(long)]
        slug: Option<String>,
    },
}

pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<ExitCode> {
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve::serve(settings, demo)
            .await
            .map(|()| ExitCode::SUCCESS),
        Command::Migrate { check, jobs } => serve::migrate(settings, check, jobs.into()).await,
        Command::Tenant(command) => tenants::run(settings, command).await,
        Command::Worker => worker::run(settings).await.map(|()| ExitCode::SUCCESS),
        Command::Audit(AuditCommand::Verify) => verify_audit(settings).await,
        Command::Admin(AdminCommand::Create { email, name }) => {
            create_operator(settings, &email, &name).await
        }
        Command::Admin(AdminCommand::ResetPassword { email }) => {
            let password = read_password("New password for the operator: ")?;
            recover_operator(settings, &email, Recovery::Password, Some(password)).await
        }
        Command::Admin(AdminCommand::ResetTwoFactor { email }) => {
            recover_operator(settings, &email, Recovery::TwoFactor, None).await
        }
    }
}

async fn recover_operator(
    settings: Settings,
    email: &str,
    recovery: Recovery,
    password: Option<String>,
) -> anyhow::Result<ExitCode> {
    let database = serve::Database::open(&settings).await?;
    let result = app::admin::operators::recover(&database.pool, email, recovery, password).await;
    database.close().await;
    match result {
        Ok(()) => {
            let done = match recovery {
                Recovery::Password => "has a new password",
                Recovery::TwoFactor => "enrols a new authenticator at the next sign-in",
            };
            println!("operator {email} {done}; their sessions have ended");
            Ok(ExitCode::SUCCESS)
        }
        Err(err @ (app::AppError::Validation { .. } | app::AppError::NotFound { .. })) => {
            eprintln!("error: {err}");
            Ok(ExitCode::FAILURE)
        }
        Err(err) => Err(err.into()),
    }
}

async fn create_operator(settings: Settings, email: &str, name: &str) -> anyhow::Result<ExitCode> {
    let password = read_password("Password for the new operator: ")?;
    let database = serve::Database::open(&settings).await?;
    let result = app::admin::operators::create(&database.pool, email, name, password).await;
    database.close().await;
    match result {
        Ok(_) => {
            println!(
                "operator {email} created: sign in at {}/operators/sign-in to enrol two-factor authentication",
                settings.public_origin()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err @ (app::AppError::Validation { .. } | app::AppError::Conflict { .. })) => {
            eprintln!("error: {err}");
            Ok(ExitCode::FAILURE)
        }
        Err(err) => Err(err.into()),
    }
}

/// The first line of standard input, without echo when it is a terminal.
fn read_password(prompt: &str) -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};

    use nix::sys::termios::{self, LocalFlags, SetArg};
    let stdin = std::io::stdin();
    let mut line = String::new();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        let saved = termios::tcgetattr(&stdin)?;
        let mut quiet = saved.clone();
        quiet.local_flags.remove(LocalFlags::ECHO);
        termios::tcsetattr(&stdin, SetArg::TCSANOW, &quiet)?;
        let read = stdin.lock().read_line(&mut line);
        termios::tcsetattr(&stdin, SetArg::TCSANOW, &saved)?;
        eprintln!();
        read?;
    } else {
        stdin.lock().read_line(&mut line)?;
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn verify_audit(settings: Settings) -> anyhow::Result<ExitCode> {
    use app::server::audit_chain::{self, Broken};
    let database = serve::Database::open(&settings).await?;
    let result = audit_chain::verify(&database.pool).await;
    database.close().await;
    let verified = result?;
    Ok(match verified.broken {
        None => {
            println!("audit log intact: {} records", verified.records);
            ExitCode::SUCCESS
        }
        Some(Broken::Altered { chain_seq, id }) => {
            println!("audit log BROKEN: record {id} (position {chain_seq}) was edited");
            ExitCode::FAILURE
        }
        Some(Broken::Gap { chain_seq, id }) => {
            println!(
                "audit log BROKEN: the record before {id} (position {chain_seq}) was removed or changed"
            );
            ExitCode::FAILURE
        }
    })
}
