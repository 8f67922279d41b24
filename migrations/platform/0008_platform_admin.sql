-- Platform administration: operators (separate from tenant users, created only by the
-- CLI, with a mandatory second factor), their actions on tenants, support access,
-- and the subscription history that revenue figures are computed from.

CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at DESC, id DESC);

CREATE TABLE operators (
    id                 uuid PRIMARY KEY,
    email              text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name               text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    password_hash      text NOT NULL,
    -- The TOTP secret sealed with ENCRYPTION_KEY, set once enrolment is confirmed
    -- with a valid code.
    totp_secret        bytea,
    -- The (sealed) secret shown during enrolment, until confirmed.
    totp_pending       bytea,
    -- The last 30-second step a code was accepted for: a code works once.
    totp_last_step     bigint NOT NULL DEFAULT 0,
    session_generation integer NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX operators_email_key ON operators (lower(email));

-- Ten single-use codes per operator, stored as SHA-256.
CREATE TABLE operator_recovery_codes (
    operator_id uuid NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    code_hash   bytea NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (operator_id, code_hash)
);

-- Operator decisions that billing must not undo.
ALTER TABLE tenants
    ADD COLUMN operator_suspended_at timestamptz,
    -- Plan given by an operator, free of charge: no MRR, no trial expiry.
    ADD COLUMN comped boolean NOT NULL DEFAULT false,
    -- Features switched on or off for this tenant whatever its plan: {"feature": bool}.
    -- Who did it and why is in the audit log.
    ADD COLUMN feature_overrides jsonb NOT NULL DEFAULT '{}'
        CHECK (jsonb_typeof(feature_overrides) = 'object');

-- Read-only support views of a tenant, each with a reason and an end.
CREATE TABLE support_grants (
    id          uuid PRIMARY KEY,
    operator_id uuid NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    reason      text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    ended_at    timestamptz
);
CREATE INDEX support_grants_active_idx ON support_grants (operator_id, tenant_id, expires_at);

-- Every change of a tenant's billing standing, kept by a trigger so that no code path
-- (Stripe sync, operator action, CLI) can forget it. MRR at any date is read from here.
CREATE TABLE subscription_history (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    occurred_at      timestamptz NOT NULL DEFAULT now(),
    status           text NOT NULL,
    plan             text NOT NULL,
    billing_interval text,
    comped           boolean NOT NULL
);
CREATE INDEX subscription_history_tenant_idx ON subscription_history (tenant_id, occurred_at);

CREATE FUNCTION public.record_subscription_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT'
       OR (NEW.status, NEW.plan, NEW.billing_interval, NEW.comped)
          IS DISTINCT FROM (OLD.status, OLD.plan, OLD.billing_interval, OLD.comped) THEN
        INSERT INTO public.subscription_history (tenant_id, status, plan, billing_interval, comped)
        VALUES (NEW.id, NEW.status, NEW.plan, NEW.billing_interval, NEW.comped);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER subscription_history AFTER INSERT OR UPDATE ON public.tenants
    FOR EACH ROW EXECUTE FUNCTION public.record_subscription_change();

-- Tenants created before the history existed start it with their current standing.
INSERT INTO subscription_history (tenant_id, occurred_at, status, plan, billing_interval, comped)
SELECT id, created_at, status, plan, billing_interval, comped FROM tenants;
