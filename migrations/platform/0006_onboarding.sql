-- The onboarding wizard's current step for organizations created through it
-- (2 data, 3 team, 4 plan); NULL once finished or skipped.
ALTER TABLE tenants ADD COLUMN onboarding_step smallint CHECK (onboarding_step BETWEEN 2 AND 4);
