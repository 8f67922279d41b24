-- Counters for limits that must hold across every app process: sign-in attempts per
-- account and per client, emails per recipient, sign-ups per client, invitations per
-- organization. One row per key; its window starts at the first hit after the last
-- window ended. Incremented with one upsert, so concurrent requests cannot slip past.
CREATE TABLE rate_counters (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL DEFAULT now(),
    hits         integer NOT NULL CHECK (hits >= 0)
);
CREATE INDEX rate_counters_window_idx ON rate_counters (window_start);

-- Sign-in failures were counted after the password check; attempts are now counted
-- before it, in rate_counters.
DROP TABLE login_failures;
