-- The latest fct_orders.created_at is no older than $max_age_hours hours before $as_of (no orders at all
-- fails too). Parameters, bound by warehouse/checks.py as DuckDB prepared parameters: $as_of (TIMESTAMPTZ,
-- the moment checked for) and $max_age_hours (whole hours, default 48).
-- Why: a stalled extraction leaves the reporting tables looking fine but silently out of date.
SELECT
    max(created_at) AS latest_created_at,
    CAST($as_of AS TIMESTAMPTZ) AS as_of,
    CAST($max_age_hours AS BIGINT) AS max_age_hours
FROM reporting.fct_orders
HAVING max(created_at) IS NULL
    OR max(created_at) < CAST($as_of AS TIMESTAMPTZ) - to_hours(CAST($max_age_hours AS BIGINT));
