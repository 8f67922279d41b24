//! Sealing secrets at rest: AES-256-GCM with a key from ENCRYPTION_KEY (32 bytes,
//! base64). Each sealed value is a fresh 96-bit nonce followed by the ciphertext and
//! tag; the associated data binds it to where it is stored, so a sealed value copied
//! to another row or tenant does not open there.

use std::sync::Arc;

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use base64::{Engine, engine::general_purpose::STANDARD};

use crate::AppError;

const NONCE_BYTES: usize = 12;

#[derive(Clone)]
pub struct Cipher(Arc<Aes256Gcm>);

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(..)")
    }
}

impl Cipher {
    /// From the base64 text of a 32-byte key.
    pub fn from_base64(text: &str) -> Result<Self, String> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| {
            "ENCRYPTION_KEY must be base64 (e.g. `openssl rand -base64 32`)".to_owned()
        })?;
        let cipher = Aes256Gcm::new_from_slice(&bytes)
            .map_err(|_| format!("ENCRYPTION_KEY must be 32 bytes, not {}", bytes.len()))?;
        Ok(Self(Arc::new(cipher)))
    }

    /// A new random key, as base64.
    pub fn generate_key() -> Result<String, AppError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(AppError::internal)?;
        Ok(STANDARD.encode(key))
    }

    pub fn seal(&self, plaintext: &[u8], bound_to: &[u8]) -> Result<Vec<u8>, AppError> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(AppError::internal)?;
        let sealed = self
            .0
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: bound_to,
                },
            )
            .map_err(|_| AppError::internal("encryption failed"))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// Fails for a value sealed with another key, bound elsewhere, or altered.
    pub fn open(&self, sealed: &[u8], bound_to: &[u8]) -> Result<Vec<u8>, AppError> {
        if sealed.len() < NONCE_BYTES {
            return Err(AppError::internal("sealed value too short"));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        self.0
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: bound_to,
                },
            )
            .map_err(|_| {
                AppError::internal("a stored secret could not be decrypted (wrong ENCRYPTION_KEY?)")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_key_and_the_binding() {
        let cipher = Cipher::from_base64(&Cipher::generate_key().unwrap()).unwrap();
        let sealed = cipher.seal(b"hunter2", b"tenant-a/1").unwrap();
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
        assert_eq!(cipher.open(&sealed, b"tenant-a/1").unwrap(), b"hunter2");
        assert!(cipher.open(&sealed, b"tenant-b/1").is_err());
        let other = Cipher::from_base64(&Cipher::generate_key().unwrap()).unwrap();
        assert!(other.open(&sealed, b"tenant-a/1").is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(cipher.open(&tampered, b"tenant-a/1").is_err());
        // A fresh nonce each time.
        assert_ne!(sealed, cipher.seal(b"hunter2", b"tenant-a/1").unwrap());
        assert_eq!(format!("{cipher:?}"), "Cipher(..)");
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert!(Cipher::from_base64("not base64!").is_err());
        assert!(
            Cipher::from_base64(&STANDARD.encode([0u8; 16]))
                .unwrap_err()
                .contains("16")
        );
    }
}
