//! Typed settings, read once at start-up from environment variables (and an optional
//! `.env` file). A bad value stops start-up with a message naming the variable.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use app::workspace::import::limits::ImportLimits;
use secrecy::SecretString;
use url::Url;

/// Every variable the binary reads: name, default, meaning. `--help` prints this
/// table and README.md documents the same list.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "DATABASE_URL",
        "(unset: embedded cluster)",
        "PostgreSQL URL. Unset: a private cluster under DATA_DIR/postgres is started",
    ),
    (
        "DATA_DIR",
        ".data",
        "Where the embedded database and other local state live",
    ),
    (
        "LISTEN_ADDR",
        "127.0.0.1:3000",
        "Address the HTTP server binds",
    ),
    (
        "PUBLIC_URL",
        "http://127.0.0.1:3000",
        "The site's public origin: links in emails, CSRF origin check",
    ),
    (
        "BASE_DOMAIN",
        "(unset)",
        "Enables tenant subdomains {slug}.BASE_DOMAIN",
    ),
    (
        "DATABASE_MAX_CONNECTIONS",
        "30",
        "Size of the database connection pool (the queue workers use up to 15 of it)",
    ),
    (
        "DATABASE_MAX_LIFETIME_SECS",
        "1800",
        "Pooled connections are replaced after this many seconds",
    ),
    (
        "DATABASE_IDLE_TIMEOUT_SECS",
        "300",
        "Idle pooled connections are closed after this many seconds",
    ),
    (
        "SHUTDOWN_GRACE_SECS",
        "20",
        "On SIGTERM, how long in-flight requests may take to finish",
    ),
    (
        "LOG_FORMAT",
        "text",
        "text or json (one JSON object per line)",
    ),
    (
        "SMTP_URL",
        "(unset: dev mailbox)",
        "smtps://user:pass@host:465 (TLS), smtp://user:pass@host:587?tls=required (STARTTLS) or smtp://host:25 (plain, a local relay). Unset: emails go to DATA_DIR/mailbox, shown at /dev/mailbox",
    ),
    (
        "MAIL_FROM",
        "CapLiquify <no-reply@PUBLIC_URL host>",
        "Sender of every email",
    ),
    (
        "EMAIL_RETRY_SECS",
        "30",
        "First retry of a failed delivery; doubles each time up to an hour, 12 tries",
    ),
    (
        "STRIPE_SECRET_KEY",
        "(unset: billing demo mode)",
        "Stripe API key. Unset: plans are shown but checkout says payments are not set up",
    ),
    (
        "STRIPE_WEBHOOK_SECRET",
        "(unset)",
        "Signing secret of the /webhooks/stripe endpoint (whsec_...)",
    ),
    (
        "STRIPE_API_BASE",
        "https://api.stripe.com",
        "Stripe API base URL (tests point it at a local stand-in)",
    ),
    (
        "STRIPE_PRICE_{STARTER,PROFESSIONAL,ENTERPRISE}_{MONTHLY,ANNUAL}",
        "(unset)",
        "Stripe price id of each plan and interval, e.g. STRIPE_PRICE_STARTER_MONTHLY",
    ),
    (
        "BILLING_JOBS_SECS",
        "600",
        "How often the worker reconciles with Stripe's event log and sends trial reminders",
    ),
    (
        "ENCRYPTION_KEY",
        "(unset: generated under DATA_DIR)",
        "32 bytes, base64 (`openssl rand -base64 32`): seals stored credentials, operators' TOTP secrets and queued email bodies; the same in every process. Unset: a key file DATA_DIR/encryption.key is made once (development only)",
    ),
    (
        "API_RATE_LIMIT_PER_MINUTE",
        "120",
        "Requests per minute each REST API key may make, counted across all server processes",
    ),
    (
        "PUBLIC_RATE_LIMIT_PER_MINUTE",
        "60",
        "Form posts and server-function calls per minute from one client address while not signed in (sign-in, sign-up, password reset, contact, invitations ...), across all server processes",
    ),
    (
        "BODY_LIMIT_KB",
        "2048",
        "Largest request body in KiB (CSV uploads: 25 MiB); larger ones are refused with 413",
    ),
    (
        "HEADER_TIMEOUT_SECS",
        "10",
        "How long a client may take to send a request's headers (or leave a keep-alive connection idle) before the connection is closed",
    ),
    (
        "BODY_TIMEOUT_SECS",
        "20",
        "Longest pause while a client sends a request body; then the request fails with 408",
    ),
    (
        "REQUEST_TIMEOUT_SECS",
        "60",
        "Longest time from the end of a request's body to its response; then it fails with 503",
    ),
    (
        "TRUSTED_PROXY_HOPS",
        "0",
        "Proxies in front of the server whose X-Forwarded-For is believed (1 behind one load balancer); 0 uses the socket's address",
    ),
    (
        "IMPORT_MAX_BYTES",
        "26214400",
        "Largest CSV file an import accepts, in bytes (25 MB)",
    ),
    (
        "IMPORT_MAX_COLUMNS",
        "100",
        "Most columns of an imported CSV file (header and every row)",
    ),
    (
        "IMPORT_MAX_HEADER_BYTES",
        "16384",
        "Longest header row of an imported CSV file, in bytes",
    ),
    (
        "IMPORT_MAX_CELL_BYTES",
        "1024",
        "Longest cell of an imported CSV file, in bytes",
    ),
    (
        "IMPORT_MAX_ROWS",
        "250000",
        "Most data rows of an imported CSV file",
    ),
    (
        "IMPORT_RETENTION_HOURS",
        "168",
        "Uploaded files never imported (abandoned or failed) are deleted after this many hours",
    ),
    (
        "SIGN_IN_ATTEMPTS_PER_ACCOUNT",
        "5",
        "Sign-in attempts per account (operators: per account and client) in 15 minutes",
    ),
    (
        "SIGN_IN_ATTEMPTS_PER_CLIENT",
        "30",
        "Sign-in attempts per client address in 15 minutes",
    ),
    (
        "EMAILS_PER_RECIPIENT_PER_HOUR",
        "5",
        "Account, invitation and contact emails to one address per hour; more are not sent",
    ),
    (
        "SIGN_UPS_PER_CLIENT_PER_HOUR",
        "10",
        "Sign-ups from one client address per hour",
    ),
    (
        "INVITATIONS_PER_ORGANIZATION_PER_DAY",
        "50",
        "Invitations sent or re-sent by one organization per day",
    ),
    (
        "ORGANIZATIONS_PER_USER",
        "5",
        "Organizations one user may own",
    ),
    (
        "API_KEYS_PER_ORGANIZATION",
        "20",
        "Active API keys per organization",
    ),
    ("RUST_LOG", "info", "Log filter, e.g. info,capliquify=debug"),
    (
        "LEPTOS_SITE_ROOT",
        "target/site",
        "Directory of the built site (set by cargo-leptos)",
    ),
];

#[derive(Debug, thiserror::Error)]
#[error("configuration error in {variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings of one process. `Debug` never shows secrets: they are `SecretString`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: Option<SecretString>,
    pub data_dir: PathBuf,
    pub listen_addr: SocketAddr,
    pub public_url: Url,
    pub base_domain: Option<String>,
    pub db_max_connections: u32,
    pub db_max_lifetime: Duration,
    pub db_idle_timeout: Duration,
    pub shutdown_grace: Duration,
    pub log_format: LogFormat,
    pub site_root: PathBuf,
    pub smtp_url: Option<SecretString>,
    pub mail_from: String,
    pub email_retry: Duration,
    pub stripe_secret_key: Option<SecretString>,
    pub stripe_webhook_secret: Option<SecretString>,
    pub stripe_api_base: String,
    /// (plan id, interval id, Stripe price id)
    pub stripe_prices: Vec<(&'static str, &'static str, String)>,
    pub billing_jobs_every: Duration,
    pub encryption_key: Option<SecretString>,
    pub api_rate_per_minute: std::num::NonZeroU32,
    pub trusted_proxy_hops: usize,
    pub import_limits: ImportLimits,
    pub import_retention: Duration,
    pub public_rate_per_minute: std::num::NonZeroU32,
    pub body_limit_bytes: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub request_timeout: Duration,
    pub limits: app::server::limits::Limits,
}

impl Settings {
    /// Reads the process environment, after loading `.env` if there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds settings from any variable source (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &'static str| get(name).filter(|v| !v.trim().is_empty());
        let parsed = |name: &'static str, default: &str| -> Result<String, ConfigError> {
            Ok(var(name).unwrap_or_else(|| default.to_owned()))
        };
        let number = |name: &'static str, default: u64, min: u64| -> Result<u64, ConfigError> {
            let Some(raw) = var(name) else {
                return Ok(default);
            };
            match raw.trim().parse::<u64>() {
                Ok(n) if n >= min => Ok(n),
                _ => Err(ConfigError {
                    variable: name,
                    message: format!("expected a whole number of at least {min}, got {raw:?}"),
                }),
            }
        };

        let database_url = match var("DATABASE_URL") {
            None => None,
            Some(raw) => {
                if !(raw.starts_with("postgres://") || raw.starts_with("postgresql://")) {
                    return Err(ConfigError {
                        variable: "DATABASE_URL",
                        message: "expected a postgres:// or postgresql:// URL".into(),
                    });
                }
                Some(SecretString::from(raw))
            }
        };

        let listen_raw = parsed("LISTEN_ADDR", "127.0.0.1:3000")?;
        let listen_addr = listen_raw.parse().map_err(|_| ConfigError {
            variable: "LISTEN_ADDR",
            message: format!("expected host:port such as 127.0.0.1:3000, got {listen_raw:?}"),
        })?;

        let public_raw = parsed("PUBLIC_URL", "http://127.0.0.1:3000")?;
        let public_url = Url::parse(&public_raw)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| ConfigError {
                variable: "PUBLIC_URL",
                message: format!(
                    "expected an http(s) URL such as https://capliquify.com, got {public_raw:?}"
                ),
            })?;

        let base_domain = match var("BASE_DOMAIN") {
            None => None,
            Some(d) => {
                let d = d.trim().trim_start_matches('.').to_ascii_lowercase();
                let valid = d.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
                if !valid {
                    return Err(ConfigError {
                        variable: "BASE_DOMAIN",
                        message: format!(
                            "expected a domain name such as capliquify.com, got {d:?}"
                        ),
                    });
                }
                Some(d)
            }
        };

        let log_format = match parsed("LOG_FORMAT", "text")?.as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(ConfigError {
                    variable: "LOG_FORMAT",
                    message: format!("expected text or json, got {other:?}"),
                });
            }
        };

        let smtp_url = match var("SMTP_URL") {
            None => None,
            Some(raw) => {
                if !(raw.starts_with("smtp://") || raw.starts_with("smtps://")) {
                    return Err(ConfigError {
                        variable: "SMTP_URL",
                        message: "expected an smtp:// or smtps:// URL".into(),
                    });
                }
                Some(SecretString::from(raw))
            }
        };
        let default_from = format!(
            "CapLiquify <no-reply@{}>",
            public_url.host_str().unwrap_or("localhost")
        );
        let mail_from = parsed("MAIL_FROM", &default_from)?;

        let defaults = ImportLimits::default();
        let limit = |name: &'static str, default: usize| -> Result<usize, ConfigError> {
            Ok(number(name, default as u64, 1)?.min(usize::MAX as u64) as usize)
        };
        let import_limits = ImportLimits {
            max_bytes: limit("IMPORT_MAX_BYTES", defaults.max_bytes)?,
            max_columns: limit("IMPORT_MAX_COLUMNS", defaults.max_columns)?,
            max_header_bytes: limit("IMPORT_MAX_HEADER_BYTES", defaults.max_header_bytes)?,
            max_cell_bytes: limit("IMPORT_MAX_CELL_BYTES", defaults.max_cell_bytes)?,
            max_rows: limit("IMPORT_MAX_ROWS", defaults.max_rows)?,
        };

        let mut stripe_prices = Vec::new();
        for plan in ["starter", "professional", "enterprise"] {
            for (interval, suffix) in [("month", "MONTHLY"), ("year", "ANNUAL")] {
                let name = format!("STRIPE_PRICE_{}_{suffix}", plan.to_uppercase());
                if let Some(id) = get(&name).filter(|v| !v.trim().is_empty()) {
                    stripe_prices.push((plan, interval, id.trim().to_owned()));
                }
            }
        }

        Ok(Self {
            stripe_secret_key: var("STRIPE_SECRET_KEY").map(SecretString::from),
            stripe_webhook_secret: var("STRIPE_WEBHOOK_SECRET").map(SecretString::from),
            stripe_api_base: parsed("STRIPE_API_BASE", "https://api.stripe.com")?,
            stripe_prices,
            billing_jobs_every: Duration::from_secs(number("BILLING_JOBS_SECS", 600, 1)?),
            encryption_key: var("ENCRYPTION_KEY").map(SecretString::from),
            api_rate_per_minute: std::num::NonZeroU32::new(
                number("API_RATE_LIMIT_PER_MINUTE", 120, 1)?.min(u64::from(u32::MAX)) as u32,
            )
            .expect("at least 1"),
            trusted_proxy_hops: number("TRUSTED_PROXY_HOPS", 0, 0)?.min(16) as usize,
            import_limits,
            import_retention: Duration::from_secs(
                number("IMPORT_RETENTION_HOURS", 168, 1)?.saturating_mul(3600),
            ),
            public_rate_per_minute: std::num::NonZeroU32::new(
                number("PUBLIC_RATE_LIMIT_PER_MINUTE", 60, 1)?.min(u64::from(u32::MAX)) as u32,
            )
            .expect("at least 1"),
            body_limit_bytes: number("BODY_LIMIT_KB", 2048, 1)?.min(1 << 30) as usize * 1024,
            header_timeout: Duration::from_secs(number("HEADER_TIMEOUT_SECS", 10, 1)?),
            body_timeout: Duration::from_secs(number("BODY_TIMEOUT_SECS", 20, 1)?),
            request_timeout: Duration::from_secs(number("REQUEST_TIMEOUT_SECS", 60, 1)?),
            limits: {
                let count = |name: &'static str, default: u32| -> Result<u32, ConfigError> {
                    Ok(number(name, default.into(), 1)?.min(u64::from(u32::MAX)) as u32)
                };
                let d = app::server::limits::Limits::default();
                app::server::limits::Limits {
                    sign_in_per_account: count(
                        "SIGN_IN_ATTEMPTS_PER_ACCOUNT",
                        d.sign_in_per_account,
                    )?,
                    sign_in_per_client: count("SIGN_IN_ATTEMPTS_PER_CLIENT", d.sign_in_per_client)?,
                    emails_per_recipient: count(
                        "EMAILS_PER_RECIPIENT_PER_HOUR",
                        d.emails_per_recipient,
                    )?,
                    sign_ups_per_client: count(
                        "SIGN_UPS_PER_CLIENT_PER_HOUR",
                        d.sign_ups_per_client,
                    )?,
                    invitations_per_organization: count(
                        "INVITATIONS_PER_ORGANIZATION_PER_DAY",
                        d.invitations_per_organization,
                    )?,
                    organizations_per_user: count(
                        "ORGANIZATIONS_PER_USER",
                        d.organizations_per_user,
                    )?,
                    api_keys_per_organization: count(
                        "API_KEYS_PER_ORGANIZATION",
                        d.api_keys_per_organization,
                    )?,
                }
            },
            smtp_url,
            mail_from,
            email_retry: Duration::from_secs(number("EMAIL_RETRY_SECS", 30, 1)?),
            database_url,
            data_dir: PathBuf::from(parsed("DATA_DIR", ".data")?),
            listen_addr,
            public_url,
            base_domain,
            db_max_connections: number("DATABASE_MAX_CONNECTIONS", 30, 1)? as u32,
            db_max_lifetime: Duration::from_secs(number("DATABASE_MAX_LIFETIME_SECS", 1800, 1)?),
            db_idle_timeout: Duration::from_secs(number("DATABASE_IDLE_TIMEOUT_SECS", 300, 1)?),
            shutdown_grace: Duration::from_secs(number("SHUTDOWN_GRACE_SECS", 20, 0)?),
            log_format,
            site_root: PathBuf::from(parsed("LEPTOS_SITE_ROOT", "target/site")?),
        })
    }

    /// The origin browsers send in `Origin` for this site, e.g. `http://127.0.0.1:3000`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}

/// The variables table for `--help`.
pub fn variables_help() -> String {
    let mut out = String::from("Environment variables (also read from ./.env):\n");
    for (name, default, meaning) in VARIABLES {
        out.push_str(&format!("  {name:<28} {meaning} [default: {default}]\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret;

    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let s = settings(&[]).unwrap();
        assert!(s.database_url.is_none());
        assert_eq!(s.listen_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_origin(), "http://127.0.0.1:3000");
        assert_eq!(s.db_max_connections, 30);
        assert_eq!(s.log_format, LogFormat::Text);
        assert_eq!(s.import_limits, ImportLimits::default());
        assert_eq!(s.import_retention, Duration::from_secs(7 * 24 * 3600));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("LISTEN_ADDR", "nowhere"),
            ("PUBLIC_URL", "ftp://x"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("DATABASE_MAX_CONNECTIONS", "ten"),
            ("LOG_FORMAT", "xml"),
            ("SMTP_URL", "mail.example.com"),
            ("EMAIL_RETRY_SECS", "0"),
            ("DATABASE_URL", "mysql://x"),
            ("BASE_DOMAIN", "bad domain;"),
            ("IMPORT_MAX_COLUMNS", "0"),
            ("IMPORT_RETENTION_HOURS", "soon"),
            ("PUBLIC_RATE_LIMIT_PER_MINUTE", "0"),
            ("HEADER_TIMEOUT_SECS", "0"),
            ("BODY_TIMEOUT_SECS", "soon"),
            ("REQUEST_TIMEOUT_SECS", "0"),
            ("ORGANIZATIONS_PER_USER", "0"),
            ("EMAILS_PER_RECIPIENT_PER_HOUR", "many"),
        ] {
            let err = settings(&[(name, value)]).unwrap_err();
            assert_eq!(err.variable, name, "{value}");
        }
    }

    #[test]
    fn secrets_are_not_printed() {
        let s = settings(&[("DATABASE_URL", "postgres://u:hunter2@db/x")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(
            s.database_url.unwrap().expose_secret(),
            "postgres://u:hunter2@db/x"
        );
    }

    #[test]
    fn every_variable_is_in_the_help() {
        let help = variables_help();
        for (name, _, _) in VARIABLES {
            assert!(help.contains(name));
        }
    }
}
