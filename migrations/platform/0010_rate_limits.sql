-- Fixed-window request counters shared by every server process (per API key, per
-- client address). Unlogged: counters are worth less than the WAL they would cost, and
-- after a crash every window simply starts again.
CREATE UNLOGGED TABLE rate_limit_windows (
    bucket       text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_windows_start_idx ON rate_limit_windows (window_start);
