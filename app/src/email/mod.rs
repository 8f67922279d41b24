//! Outgoing email: one template per message, a durable outbox in PostgreSQL (the
//! message is enqueued in the transaction of the change that causes it) and delivery
//! over SMTP, or into a local mailbox directory when no SMTP server is configured.

mod delivery;
pub mod mailbox;
mod outbox;
pub mod recipient_limit;
pub mod templates;

use serde::{Deserialize, Serialize};

pub use delivery::{Delivery, DeliveryError};
pub use outbox::{Outbox, RetrySchedule};

/// One rendered message to one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}
