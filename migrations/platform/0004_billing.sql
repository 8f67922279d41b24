-- Subscriptions: each tenant's Stripe customer and subscription as last read from
-- Stripe, and every Stripe event received (webhook or reconciliation), processed once.

ALTER TABLE tenants
    ADD COLUMN stripe_customer_id     text UNIQUE,
    ADD COLUMN stripe_subscription_id text UNIQUE,
    -- Stripe's subscription status, verbatim (active, past_due, unpaid, canceled, ...).
    ADD COLUMN subscription_status    text,
    ADD COLUMN billing_interval       text CHECK (billing_interval IN ('month', 'year')),
    ADD COLUMN current_period_end     timestamptz,
    ADD COLUMN cancel_at_period_end   boolean NOT NULL DEFAULT false,
    ADD COLUMN trial_reminder_sent_at timestamptz;
ALTER TABLE tenants ADD CONSTRAINT tenants_plan_check
    CHECK (plan IN ('starter', 'professional', 'enterprise'));

CREATE TABLE stripe_events (
    id           text PRIMARY KEY,
    type         text NOT NULL,
    -- Stripe's creation time of the event.
    created      timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    source       text NOT NULL CHECK (source IN ('webhook', 'reconciliation')),
    processed_at timestamptz,
    payload      jsonb NOT NULL
);
CREATE INDEX stripe_events_unprocessed_idx ON stripe_events (received_at) WHERE processed_at IS NULL;
