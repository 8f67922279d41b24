//! What billing needs at run time: the Stripe API (absent in demo mode), the price
//! ids and the webhook secret. Provided to server functions like the pool.

use super::stripe::{PriceIds, StripeApi};

#[derive(Clone, Default)]
pub struct Billing {
    /// `None` when STRIPE_SECRET_KEY is unset: plans show, checkout says billing is
    /// not configured.
    pub api: Option<StripeApi>,
    pub prices: PriceIds,
    webhook_secret: Option<String>,
}

impl Billing {
    pub fn new(api: Option<StripeApi>, prices: PriceIds, webhook_secret: Option<String>) -> Self {
        Self {
            api,
            prices,
            webhook_secret,
        }
    }

    pub fn webhook_secret(&self) -> Option<&str> {
        self.webhook_secret.as_deref()
    }
}

impl std::fmt::Debug for Billing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Billing")
            .field("stripe", &self.api.is_some())
            .field("prices", &self.prices)
            .finish_non_exhaustive()
    }
}
