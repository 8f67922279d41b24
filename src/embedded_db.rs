//! The private PostgreSQL cluster used when no DATABASE_URL is given.
//!
//! It is created on first start under `DATA_DIR/postgres` with the system's server
//! binaries, listens on 127.0.0.1 only with a generated password, and is stopped when
//! the handle is dropped or `stop` is called. PostgreSQL refuses to run as root, so
//! when this process is root the cluster is owned by and run as the `postgres` user.

use std::{
    fs,
    io::{Read, Seek, SeekFrom},
    net::TcpListener,
    os::unix::{fs::PermissionsExt, process::CommandExt},
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use secrecy::{ExposeSecret, SecretString};

/// Lowest PostgreSQL major version the product supports.
pub const MIN_MAJOR_VERSION: u32 = 14;

/// Server settings that let one database hold thousands of tenant schemas: a dump
/// takes a lock per table, and the lock table is sized by this setting times
/// max_connections (see docs/OPERATIONS.md).
pub const SERVER_SETTINGS: &[(&str, &str)] = &[
    ("listen_addresses", "127.0.0.1"),
    ("unix_socket_directories", ""),
    ("max_locks_per_transaction", "1024"),
    ("max_connections", "200"),
];

const SUPERUSER: &str = "capliquify";
const DATABASE: &str = "capliquify";

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedDbError {
    #[error(
        "no PostgreSQL server binaries (>= {MIN_MAJOR_VERSION}) found on PATH or in /usr/lib/postgresql/*/bin. \
         Install them (Debian/Ubuntu: `sudo apt-get install postgresql`) or set DATABASE_URL to an existing server"
    )]
    BinariesMissing,
    #[error("{step} failed: {detail}")]
    Command { step: String, detail: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A running embedded cluster. Dropping it stops the server.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    port: u16,
    password: SecretString,
    run_as: Option<(u32, u32)>,
    running: bool,
}

impl EmbeddedPostgres {
    /// Creates the cluster under `root/postgres` if it does not exist yet, then
    /// starts it. Blocking: call from `spawn_blocking` in async code.
    pub fn start(root: &Path) -> Result<Self, EmbeddedDbError> {
        let bin_dir = locate_binaries()?;
        fs::create_dir_all(root)?;
        let root = root.canonicalize()?;
        let data_dir = root.join("postgres");
        let password_file = root.join("postgres.password");
        let run_as = postgres_user_if_root()?;

        if !data_dir.join("PG_VERSION").exists() {
            init_cluster(&bin_dir, &data_dir, &password_file, run_as)?;
        }
        let password = SecretString::from(fs::read_to_string(&password_file)?.trim().to_owned());

        let port = free_port()?;
        let mut options = format!("-p {port}");
        for (name, value) in SERVER_SETTINGS {
            options.push_str(&format!(" -c {name}='{value}'"));
        }
        let log = root.join("postgres.log");
        if let Some((uid, gid)) = run_as {
            touch_owned(&log, uid, gid)?;
        }
        run(
            "starting PostgreSQL",
            command(&bin_dir, "pg_ctl", run_as)
                .arg("start")
                .args(["-w", "-t", "60", "-D"])
                .arg(&data_dir)
                .arg("-l")
                .arg(&log)
                .args(["-o", &options]),
        )?;
        Ok(Self {
            bin_dir,
            data_dir,
            port,
            password,
            run_as,
            running: true,
        })
    }

    /// Creates the application database on first use. Async: it connects with sqlx.
    pub async fn ensure_app_database(&self) -> Result<(), sqlx::Error> {
        use sqlx::Connection;
        let options = sqlx::postgres::PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.port)
            .username(SUPERUSER)
            .password(self.password.expose_secret())
            .database("postgres");
        let mut conn = sqlx::PgConnection::connect_with(&options).await?;
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(DATABASE)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            sqlx::query(&format!("CREATE DATABASE {DATABASE}"))
                .execute(&mut conn)
                .await?;
        }
        conn.close().await
    }

    /// Connection URL of the cluster's application database.
    pub fn url(&self) -> SecretString {
        SecretString::from(format!(
            "postgres://{SUPERUSER}:{}@127.0.0.1:{}/{DATABASE}",
            self.password.expose_secret(),
            self.port
        ))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Stops the server, waiting for it to shut down (fast mode: open sessions are
    /// ended, nothing committed is lost).
    pub fn stop(&mut self) -> Result<(), EmbeddedDbError> {
        if !self.running {
            return Ok(());
        }
        run(
            "stopping PostgreSQL",
            command(&self.bin_dir, "pg_ctl", self.run_as)
                .args(["stop", "-w", "-m", "fast", "-D"])
                .arg(&self.data_dir),
        )?;
        self.running = false;
        Ok(())
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Err(err) = self.stop() {
            tracing::error!(error = %err, "could not stop the embedded PostgreSQL");
        }
    }
}

/// Finds a directory holding `initdb`, `pg_ctl` and `postgres` of a supported version:
/// PATH first, then the newest /usr/lib/postgresql/<major>/bin.
pub fn locate_binaries() -> Result<PathBuf, EmbeddedDbError> {
    let from_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut packaged: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    packaged.sort_by_key(|(major, _)| std::cmp::Reverse(*major));

    from_path
        .into_iter()
        .chain(packaged.into_iter().map(|(_, dir)| dir))
        .find(|dir| {
            ["initdb", "pg_ctl", "postgres"]
                .iter()
                .all(|b| dir.join(b).is_file())
                && server_major_version(dir).is_some_and(|v| v >= MIN_MAJOR_VERSION)
        })
        .ok_or(EmbeddedDbError::BinariesMissing)
}

fn server_major_version(bin_dir: &Path) -> Option<u32> {
    let out = Command::new(bin_dir.join("postgres"))
        .arg("--version")
        .output()
        .ok()?;
    // "postgres (PostgreSQL) 15.18 (Debian ...)"
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.split_whitespace().nth(2)?;
    version.split('.').next()?.parse().ok()
}

fn init_cluster(
    bin_dir: &Path,
    data_dir: &Path,
    password_file: &Path,
    run_as: Option<(u32, u32)>,
) -> Result<(), EmbeddedDbError> {
    // A half-made cluster from an interrupted first start is useless: start over.
    if data_dir.exists() {
        fs::remove_dir_all(data_dir)?;
    }
    fs::create_dir_all(data_dir)?;
    fs::set_permissions(data_dir, fs::Permissions::from_mode(0o700))?;
    let password = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    fs::write(password_file, &password)?;
    fs::set_permissions(password_file, fs::Permissions::from_mode(0o600))?;

    // initdb reads the password from a file it can open as the server's user.
    let pwfile = data_dir.with_extension("initpw");
    fs::write(&pwfile, &password)?;
    fs::set_permissions(&pwfile, fs::Permissions::from_mode(0o600))?;
    if let Some((uid, gid)) = run_as {
        std::os::unix::fs::chown(data_dir, Some(uid), Some(gid))?;
        std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid))?;
    }
    let result = run(
        "initdb",
        command(bin_dir, "initdb", run_as)
            .arg("-D")
            .arg(data_dir)
            .args([
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
            ])
            .arg(format!("--pwfile={}", pwfile.display())),
    );
    fs::remove_file(&pwfile)?;
    result?;

    Ok(())
}

fn command(bin_dir: &Path, program: &str, run_as: Option<(u32, u32)>) -> Command {
    let mut cmd = Command::new(bin_dir.join(program));
    if let Some((uid, gid)) = run_as {
        cmd.uid(uid).gid(gid);
    }
    cmd
}

/// Runs a PostgreSQL tool to completion. Its output goes to a file rather than a pipe:
/// `pg_ctl start` leaves the server holding its output handles, so waiting for a
/// pipe to close would wait for the server to stop.
fn run(step: &str, cmd: &mut Command) -> Result<(), EmbeddedDbError> {
    let failed = |detail: String| EmbeddedDbError::Command {
        step: step.to_owned(),
        detail,
    };
    let output = tempfile::tempfile()?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(output.try_clone()?)
        .stderr(output.try_clone()?)
        .status()
        .map_err(|e| failed(e.to_string()))?;
    if status.success() {
        return Ok(());
    }
    let mut text = String::new();
    let mut output = output;
    output.seek(SeekFrom::Start(0))?;
    output.read_to_string(&mut text)?;
    Err(failed(text.trim().to_owned()))
}

/// PostgreSQL will not run as root: then run it as the `postgres` system user.
fn postgres_user_if_root() -> Result<Option<(u32, u32)>, EmbeddedDbError> {
    if !nix::unistd::Uid::effective().is_root() {
        return Ok(None);
    }
    match nix::unistd::User::from_name("postgres") {
        Ok(Some(user)) => Ok(Some((user.uid.as_raw(), user.gid.as_raw()))),
        _ => Err(EmbeddedDbError::Command {
            step: "finding a user to run PostgreSQL as".into(),
            detail: "running as root and there is no `postgres` user; run as a normal user or set DATABASE_URL".into(),
        }),
    }
}

fn touch_owned(path: &Path, uid: u32, gid: u32) -> std::io::Result<()> {
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
