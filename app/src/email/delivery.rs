//! Hands a rendered message to SMTP, or writes it to the local mailbox directory.

use std::path::PathBuf;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};

use super::{Email, mailbox};

#[derive(Clone)]
pub struct Delivery {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Development: each message becomes a file that `/dev/mailbox` shows.
    Files(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The message can never be sent (bad address, rejected for good): no retry.
    #[error("undeliverable: {0}")]
    Permanent(String),
    /// The server is down or deferred the message: try again later.
    #[error("not delivered yet: {0}")]
    Transient(String),
}

impl Delivery {
    /// SMTP at `url`: `smtps://user:pass@host` (TLS), `smtp://...?tls=required`
    /// (STARTTLS) or plain `smtp://host:port` (a local relay). The error never quotes
    /// the URL, which may hold a password.
    pub fn smtp(url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| "SMTP_URL is not a valid smtp:// or smtps:// URL".to_owned())?
            .build();
        Ok(Self {
            from: parse_from(from)?,
            transport: Transport::Smtp(transport),
        })
    }

    pub fn files(dir: PathBuf, from: &str) -> Result<Self, String> {
        Ok(Self {
            from: parse_from(from)?,
            transport: Transport::Files(dir),
        })
    }

    /// The mailbox directory, when messages are written to files.
    pub fn mailbox_dir(&self) -> Option<&PathBuf> {
        match &self.transport {
            Transport::Files(dir) => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    pub async fn send(&self, email: &Email) -> Result<(), DeliveryError> {
        match &self.transport {
            Transport::Files(dir) => mailbox::write(dir, &self.from.to_string(), email)
                .await
                .map_err(|e| DeliveryError::Transient(e.to_string())),
            Transport::Smtp(smtp) => {
                let message = self.message(email)?;
                smtp.send(message).await.map(|_| ()).map_err(|e| {
                    if e.is_permanent() {
                        DeliveryError::Permanent(e.to_string())
                    } else {
                        DeliveryError::Transient(e.to_string())
                    }
                })
            }
        }
    }

    fn message(&self, email: &Email) -> Result<Message, DeliveryError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|_| DeliveryError::Permanent(format!("bad recipient {:?}", email.to)))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| DeliveryError::Permanent(e.to_string()))
    }
}

fn parse_from(from: &str) -> Result<Mailbox, String> {
    from.parse().map_err(|_| {
        format!(
            "MAIL_FROM is not an address such as \"CapLiquify <no-reply@example.com>\": {from:?}"
        )
    })
}
