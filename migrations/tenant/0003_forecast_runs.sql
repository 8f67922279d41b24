-- Forecast runs: one background run forecasts the whole catalogue (per product and per
-- category) and keeps its results until the next run replaces them.
CREATE TABLE forecast_runs (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    status         text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    horizon_months integer NOT NULL CHECK (horizon_months BETWEEN 3 AND 12),
    -- The service level reorder suggestions aim for (probability of no stock-out in a
    -- replenishment cycle).
    service_level  double precision NOT NULL CHECK (service_level > 0.5 AND service_level < 1),
    total          integer NOT NULL DEFAULT 0,
    done           integer NOT NULL DEFAULT 0,
    started_by     uuid, -- platform user id, by value
    started_at     timestamptz NOT NULL DEFAULT now(),
    progress_at    timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    error          text
);
CREATE INDEX forecast_runs_started_idx ON forecast_runs (started_at DESC);

ALTER TABLE forecasts
    ADD COLUMN run_id        uuid REFERENCES forecast_runs (id) ON DELETE CASCADE,
    ADD COLUMN baseline_mase double precision,
    ADD COLUMN message       text,
    -- Monthly history the forecast was made from: [{"month": "2026-01", "value": 12.0}].
    ADD COLUMN history       jsonb NOT NULL DEFAULT '[]';
CREATE INDEX forecasts_run_idx ON forecasts (run_id);
