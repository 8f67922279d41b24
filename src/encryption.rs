//! The key that seals stored secrets (credentials, TOTP secrets, queued email bodies):
//! ENCRYPTION_KEY, or for development a key file under DATA_DIR made once (readable by
//! this user only) and announced in the log.

use std::io::Write;

use anyhow::Context;
use app::integrations::crypto::Cipher;
use secrecy::ExposeSecret;

use crate::config::Settings;

pub fn cipher(settings: &Settings) -> anyhow::Result<Cipher> {
    if let Some(key) = &settings.encryption_key {
        return Cipher::from_base64(key.expose_secret()).map_err(anyhow::Error::msg);
    }
    let path = settings.data_dir.join("encryption.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return Cipher::from_base64(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    let key = Cipher::generate_key()?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode_owner_only()
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(key.as_bytes())?;
    tracing::warn!(
        path = %path.display(),
        "ENCRYPTION_KEY is not set: generated a key file for sealing stored secrets (set ENCRYPTION_KEY in production, the same in every process, and keep it: without it stored secrets cannot be read)"
    );
    Cipher::from_base64(&key).map_err(anyhow::Error::msg)
}

/// Files only their owner can read.
trait OwnerOnly {
    fn mode_owner_only(&mut self) -> &mut Self;
}

impl OwnerOnly for std::fs::OpenOptions {
    fn mode_owner_only(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.mode(0o600)
    }
}
