-- An import keeps its uploaded file and column mapping until it is committed, so the
-- user can review the preview and the validation report first.
ALTER TABLE import_jobs
    ADD COLUMN content bytea,
    ADD COLUMN mapping jsonb NOT NULL DEFAULT '[]',
    -- When a running import last reported progress (a stalled one may restart).
    ADD COLUMN progress_at timestamptz;
