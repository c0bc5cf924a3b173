-- The latest fct_orders.created_at is no older than $recency_hours hours before $as_of (no orders at all
-- warns too). Parameters, bound by warehouse/checks.py as DuckDB prepared parameters: $as_of (TIMESTAMPTZ,
-- the moment checked for) and $recency_hours (whole hours, default 48).
-- Why a warning and never a failure: a small wholesale brand or a shop on holiday has no order for days
-- while its data is current; an old newest order alone can not tell a quiet shop from a stalled pipeline.
-- What fails a run is the pipeline's own staleness: no successful extraction for too long (flows/extractions.py).
-- Severity: warning
SELECT
    max(created_at) AS latest_created_at,
    CAST($as_of AS TIMESTAMPTZ) AS as_of,
    CAST($recency_hours AS BIGINT) AS recency_hours
FROM reporting.fct_orders
HAVING max(created_at) IS NULL
    OR max(created_at) < CAST($as_of AS TIMESTAMPTZ) - to_hours(CAST($recency_hours AS BIGINT));
