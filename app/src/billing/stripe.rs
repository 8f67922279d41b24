//! The calls CapLiquify makes to Stripe's API (async-stripe), reduced to the few facts
//! the product keeps. The base URL is configurable so tests talk to a local stand-in
//! that speaks Stripe's wire format.

use std::collections::HashMap;

use stripe::Client;
use stripe_billing::{
    billing_portal_session::CreateBillingPortalSession,
    subscription::{
        RetrieveSubscription, UpdateSubscription, UpdateSubscriptionItems,
        UpdateSubscriptionProrationBehavior,
    },
};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionSubscriptionData,
};
use stripe_core::{customer::CreateCustomer, event::ListEvent};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Interval, Plan};

/// Price ids by plan and interval, from the environment (STRIPE_PRICE_*).
#[derive(Debug, Clone, Default)]
pub struct PriceIds(pub HashMap<(Plan, Interval), String>);

impl PriceIds {
    pub fn get(&self, plan: Plan, interval: Interval) -> Option<&str> {
        self.0.get(&(plan, interval)).map(String::as_str)
    }

    /// The plan and interval a Stripe price stands for.
    pub fn find(&self, price: &str) -> Option<(Plan, Interval)> {
        self.0.iter().find(|(_, id)| *id == price).map(|(k, _)| *k)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("Stripe: {0}")]
pub struct StripeError(String);

fn err(e: impl std::fmt::Display) -> StripeError {
    StripeError(e.to_string())
}

/// A subscription as the product needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionState {
    pub id: String,
    pub customer: String,
    /// Stripe's status, verbatim.
    pub status: String,
    pub price: Option<String>,
    pub item: Option<String>,
    pub current_period_end: Option<OffsetDateTime>,
    pub cancel_at_period_end: bool,
    pub created: i64,
}

/// An event as received or listed: envelope fields and the object as JSON.
#[derive(Debug, Clone)]
pub struct EventRecord {
    pub id: String,
    pub type_: String,
    pub created: i64,
    pub object: serde_json::Value,
    pub payload: serde_json::Value,
}

impl EventRecord {
    /// Reads an event from its JSON (a webhook body or an item of /v1/events).
    pub fn from_json(payload: serde_json::Value) -> Option<Self> {
        Some(Self {
            id: payload.get("id")?.as_str()?.to_owned(),
            type_: payload.get("type")?.as_str()?.to_owned(),
            created: payload.get("created")?.as_i64()?,
            object: payload.get("data")?.get("object")?.clone(),
            payload,
        })
    }
}

#[derive(Clone)]
pub struct StripeApi {
    client: Client,
}

impl StripeApi {
    pub fn new(secret_key: &str, base_url: &str) -> Result<Self, StripeError> {
        // The client appends "v1/..." to the base, which must end in a slash.
        let client = stripe::ClientBuilder::new(secret_key)
            .url(format!("{}/", base_url.trim_end_matches('/')))
            .build()
            .map_err(err)?;
        Ok(Self { client })
    }

    /// A customer for organization `tenant` (its id in the metadata).
    pub async fn create_customer(
        &self,
        tenant: Uuid,
        name: &str,
        email: &str,
    ) -> Result<String, StripeError> {
        let customer = CreateCustomer::new()
            .name(name)
            .email(email)
            .metadata(HashMap::from([(
                "tenant_id".to_owned(),
                tenant.to_string(),
            )]))
            .send(&self.client)
            .await
            .map_err(err)?;
        Ok(customer.id.to_string())
    }

    /// A Checkout Session for a subscription to `price`; returns its URL.
    pub async fn checkout(
        &self,
        tenant: Uuid,
        customer: &str,
        price: &str,
        success_url: &str,
        cancel_url: &str,
    ) -> Result<String, StripeError> {
        let item = CreateCheckoutSessionLineItems {
            price: Some(price.to_owned()),
            quantity: Some(1),
            ..CreateCheckoutSessionLineItems::new()
        };
        let metadata = HashMap::from([("tenant_id".to_owned(), tenant.to_string())]);
        let mut subscription_data = CreateCheckoutSessionSubscriptionData::new();
        subscription_data.metadata = Some(metadata.clone());
        let session = CreateCheckoutSession::new()
            .mode(stripe_checkout::CheckoutSessionMode::Subscription)
            .customer(customer)
            .client_reference_id(tenant.to_string())
            .line_items(vec![item])
            .subscription_data(subscription_data)
            .metadata(metadata)
            .success_url(success_url)
            .cancel_url(cancel_url)
            .send(&self.client)
            .await
            .map_err(err)?;
        session
            .url
            .ok_or_else(|| StripeError("the checkout session has no URL".into()))
    }

    /// A Customer Portal session; returns its URL.
    pub async fn portal(&self, customer: &str, return_url: &str) -> Result<String, StripeError> {
        let session = CreateBillingPortalSession::new()
            .customer(customer)
            .return_url(return_url)
            .send(&self.client)
            .await
            .map_err(err)?;
        Ok(session.url)
    }

    pub async fn subscription(&self, id: &str) -> Result<SubscriptionState, StripeError> {
        let sub = RetrieveSubscription::new(id)
            .send(&self.client)
            .await
            .map_err(err)?;
        let item = sub.items.data.first();
        Ok(SubscriptionState {
            id: sub.id.to_string(),
            customer: sub.customer.id().to_string(),
            status: sub.status.as_str().to_owned(),
            price: item.map(|i| i.price.id.to_string()),
            item: item.map(|i| i.id.to_string()),
            current_period_end: item
                .and_then(|i| OffsetDateTime::from_unix_timestamp(i.current_period_end).ok()),
            cancel_at_period_end: sub.cancel_at_period_end,
            created: sub.created,
        })
    }

    /// Moves subscription `id` (its one item) to `price`, prorated.
    pub async fn change_price(
        &self,
        id: &str,
        item: &str,
        price: &str,
    ) -> Result<SubscriptionState, StripeError> {
        let change = UpdateSubscriptionItems {
            id: Some(item.to_owned()),
            price: Some(price.to_owned()),
            ..UpdateSubscriptionItems::new()
        };
        UpdateSubscription::new(id)
            .items(vec![change])
            .proration_behavior(UpdateSubscriptionProrationBehavior::CreateProrations)
            .send(&self.client)
            .await
            .map_err(err)?;
        self.subscription(id).await
    }

    /// Events of `types` created since `since` (Unix seconds), oldest first.
    pub async fn events_since(
        &self,
        since: i64,
        types: &[&str],
    ) -> Result<Vec<EventRecord>, StripeError> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut request = ListEvent::new()
                .created(stripe_types::RangeQueryTs::gte(since))
                .types(types.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>())
                .limit(100);
            if let Some(after) = &after {
                request = request.starting_after(after.clone());
            }
            let page = request.send(&self.client).await.map_err(err)?;
            for event in &page.data {
                let object: serde_json::Value =
                    serde_json::from_str(&miniserde::json::to_string(&event.data.object))
                        .map_err(err)?;
                let payload = serde_json::json!({
                    "id": event.id.as_str(),
                    "object": "event",
                    "type": event.type_.as_str(),
                    "created": event.created,
                    "data": { "object": object },
                });
                out.extend(EventRecord::from_json(payload));
            }
            match (page.has_more, page.data.last()) {
                (true, Some(last)) => after = Some(last.id.to_string()),
                _ => break,
            }
        }
        // Stripe lists newest first.
        out.sort_by_key(|e| e.created);
        Ok(out)
    }
}
