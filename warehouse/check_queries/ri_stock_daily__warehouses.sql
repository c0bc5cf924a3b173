-- Every fct_stock_daily warehouse_id exists in reporting.dim_warehouses.
-- Why: stock in an unknown warehouse has no name or country and drops out of joins to warehouses.
SELECT s.snapshot_date, s.warehouse_id, s.size_id
FROM reporting.fct_stock_daily AS s
WHERE NOT EXISTS (SELECT 1 FROM reporting.dim_warehouses AS w WHERE w.warehouse_id = s.warehouse_id)
ORDER BY s.snapshot_date, s.warehouse_id, s.size_id;
