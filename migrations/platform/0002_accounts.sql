-- Failed sign-in attempts, for throttling per account and per address.
CREATE TABLE login_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_key   text NOT NULL,
    ip          inet,
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email_key, occurred_at DESC);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, occurred_at DESC);
