//! Time-based one-time codes (RFC 6238: SHA-1, 6 digits, 30 seconds — what every
//! authenticator app reads from the enrolment QR code). A code is accepted for the
//! step before and after the current one (clock drift), and each step only once.

use qrcode::{QrCode, render::svg};
use sqlx::PgPool;
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

use crate::{AppError, integrations::crypto::Cipher};

const ISSUER: &str = "CapLiquify";
const STEP_SECS: u64 = 30;

/// A new 160-bit secret, base32-encoded.
pub fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    Ok(Secret::Raw(bytes.to_vec()).to_encoded().to_string())
}

fn totp(secret: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| AppError::internal(format!("stored TOTP secret is not base32: {e:?}")))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        bytes,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .map_err(AppError::internal)
}

/// The `otpauth://` address an authenticator app enrols from.
pub fn otpauth_url(secret: &str, account: &str) -> Result<String, AppError> {
    Ok(totp(secret, account)?.get_url())
}

/// The QR code of `text` as an SVG document.
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = QrCode::new(text.as_bytes()).map_err(AppError::internal)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// The code for `secret` at `unix_time` (for tests and tools).
pub fn code_at(secret: &str, unix_time: u64) -> Result<String, AppError> {
    Ok(totp(secret, "")?.generate(unix_time))
}

/// The time step `code` is valid for, if it matches one within a step of `unix_time`.
pub fn matching_step(secret: &str, code: &str, unix_time: u64) -> Result<Option<u64>, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    let totp = totp(secret, "")?;
    let now = unix_time / STEP_SECS;
    Ok([now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|step| {
            let expected = totp.generate(step * STEP_SECS);
            // Constant time, so timing does not reveal how many digits matched.
            expected
                .bytes()
                .zip(code.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
        }))
}

fn now() -> u64 {
    time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64
}

/// Secrets are stored sealed with the platform key, bound to their operator: a copy of
/// the database alone does not give anyone an operator's codes.
fn binding(operator: Uuid) -> Vec<u8> {
    format!("operator:{operator}:totp").into_bytes()
}

fn open(cipher: &Cipher, operator: Uuid, sealed: &[u8]) -> Result<String, AppError> {
    String::from_utf8(cipher.open(sealed, &binding(operator))?).map_err(AppError::internal)
}

/// Accepts `code` for the operator's enrolled secret, once: the step is stored and
/// neither it nor an earlier one is accepted again (no replay).
pub async fn accept(
    pool: &PgPool,
    cipher: &Cipher,
    operator: Uuid,
    code: &str,
) -> Result<bool, AppError> {
    let sealed: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT totp_secret FROM public.operators WHERE id = $1")
            .bind(operator)
            .fetch_optional(pool)
            .await?
            .flatten();
    let Some(sealed) = sealed else {
        return Ok(false);
    };
    let secret = open(cipher, operator, &sealed)?;
    let Some(step) = matching_step(&secret, code, now())? else {
        return Ok(false);
    };
    let updated = sqlx::query(
        "UPDATE public.operators SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
    )
    .bind(operator)
    .bind(step as i64)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// The secret being enrolled (made on first ask, the same on a reload until
/// confirmed); `None` once an authenticator is enrolled.
pub async fn pending_secret(
    pool: &PgPool,
    cipher: &Cipher,
    operator: Uuid,
) -> Result<Option<String>, AppError> {
    let fresh = cipher.seal(new_secret()?.as_bytes(), &binding(operator))?;
    let sealed: Option<Vec<u8>> = sqlx::query_scalar(
        "UPDATE public.operators SET totp_pending = coalesce(totp_pending, $2)
          WHERE id = $1 AND totp_secret IS NULL
          RETURNING totp_pending",
    )
    .bind(operator)
    .bind(fresh)
    .fetch_optional(pool)
    .await?;
    sealed.map(|s| open(cipher, operator, &s)).transpose()
}

/// Confirms enrolment with a code from the new authenticator; the pending secret
/// becomes the operator's. False when the code does not match.
pub async fn confirm(
    pool: &PgPool,
    cipher: &Cipher,
    operator: Uuid,
    code: &str,
) -> Result<bool, AppError> {
    let pending: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT totp_pending FROM public.operators WHERE id = $1 AND totp_secret IS NULL",
    )
    .bind(operator)
    .fetch_optional(pool)
    .await?
    .flatten();
    let Some(sealed) = pending else {
        return Ok(false);
    };
    let secret = open(cipher, operator, &sealed)?;
    let Some(step) = matching_step(&secret, code, now())? else {
        return Ok(false);
    };
    let updated = sqlx::query(
        "UPDATE public.operators
            SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $2
          WHERE id = $1 AND totp_secret IS NULL AND totp_pending = $3",
    )
    .bind(operator)
    .bind(step as i64)
    .bind(&sealed)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", truncated to 6 digits.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_match_the_rfc_test_vectors() {
        assert_eq!(code_at(RFC_SECRET, 59).unwrap(), "287082");
        assert_eq!(code_at(RFC_SECRET, 1_111_111_109).unwrap(), "081804");
        assert_eq!(code_at(RFC_SECRET, 2_000_000_000).unwrap(), "279037");
    }

    #[test]
    fn a_code_matches_within_one_step_of_drift_only() {
        let t = 1_111_111_109;
        let code = code_at(RFC_SECRET, t).unwrap();
        let step = t / 30;
        assert_eq!(matching_step(RFC_SECRET, &code, t).unwrap(), Some(step));
        assert_eq!(
            matching_step(RFC_SECRET, &code, t + 30).unwrap(),
            Some(step)
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code, t - 30).unwrap(),
            Some(step)
        );
        assert_eq!(matching_step(RFC_SECRET, &code, t + 90).unwrap(), None);
        assert_eq!(matching_step(RFC_SECRET, "08 1804", t).unwrap(), Some(step));
        for junk in ["", "12345", "abcdef", "0818040", "٠٨١٨٠٤"] {
            assert_eq!(matching_step(RFC_SECRET, junk, t).unwrap(), None, "{junk}");
        }
    }

    #[test]
    fn enrolment_gives_an_otpauth_address_and_a_qr_code() {
        let secret = new_secret().unwrap();
        assert_eq!(secret.len(), 32);
        let url = otpauth_url(&secret, "ops@capliquify.test").unwrap();
        assert!(
            url.starts_with("otpauth://totp/CapLiquify:ops%40capliquify.test?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={secret}")));
        let svg = qr_svg(&url).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
