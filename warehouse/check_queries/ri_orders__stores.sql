-- Every order's store_id exists in reporting.dim_stores (orders without a store are not checked).
-- Why: BI tools join fct_orders to stores for names; a missing store loses those orders in the join.
SELECT o.order_number, o.store_id
FROM reporting.fct_orders AS o
WHERE o.store_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM reporting.dim_stores AS s WHERE s.store_id = o.store_id)
ORDER BY o.order_number;
