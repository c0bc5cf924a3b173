-- Every order's market_id exists in reporting.dim_markets (orders without a market are not checked).
-- Why: BI tools join fct_orders to markets for names; a missing market loses those orders in the join.
SELECT o.order_number, o.market_id
FROM reporting.fct_orders AS o
WHERE o.market_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM reporting.dim_markets AS m WHERE m.market_id = o.market_id)
ORDER BY o.order_number;
