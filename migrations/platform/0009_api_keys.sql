-- Tenant API keys (the key resolves the tenant: it lives in the platform schema) and
-- API calls counted per tenant and day.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    -- The start of the key, shown in lists so people can tell keys apart.
    prefix       text NOT NULL,
    -- SHA-256 of the whole key; the key itself is shown once and never stored.
    key_hash     bytea NOT NULL UNIQUE,
    scope        text NOT NULL CHECK (scope IN ('read', 'read_write')),
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at DESC);

CREATE TABLE api_usage (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day       date NOT NULL,
    calls     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day)
);
