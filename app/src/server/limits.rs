//! Limits on what one account, client or organization may do, set by the operator
//! (environment variables, see README) and provided to every server function.

use std::time::Duration;

use crate::AppError;

/// Sign-in attempts are counted over this window.
pub const SIGN_IN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Emails to one address are counted over this window.
pub const EMAIL_WINDOW: Duration = Duration::from_secs(60 * 60);
/// Sign-ups from one client address are counted over this window.
pub const SIGN_UP_WINDOW: Duration = Duration::from_secs(60 * 60);
/// Invitations of one organization are counted over this window.
pub const INVITATION_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Sign-in attempts (password or second factor) for one account, or for one
    /// operator from one client, per 15 minutes.
    pub sign_in_per_account: u32,
    /// Sign-in attempts from one client address per 15 minutes.
    pub sign_in_per_client: u32,
    /// Emails about accounts, invitations and contact messages to one address per hour.
    pub emails_per_recipient: u32,
    /// Sign-ups from one client address per hour.
    pub sign_ups_per_client: u32,
    /// Invitations sent or re-sent by one organization per day.
    pub invitations_per_organization: u32,
    /// Organizations one user may own.
    pub organizations_per_user: u32,
    /// Active API keys of one organization.
    pub api_keys_per_organization: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in_per_account: 5,
            sign_in_per_client: 30,
            emails_per_recipient: 5,
            sign_ups_per_client: 10,
            invitations_per_organization: 50,
            organizations_per_user: 5,
            api_keys_per_organization: 20,
        }
    }
}

/// The limits of this process (provided like the pool).
pub fn current() -> Result<Limits, AppError> {
    leptos::prelude::use_context::<Limits>()
        .ok_or_else(|| AppError::internal("no limits in context"))
}
