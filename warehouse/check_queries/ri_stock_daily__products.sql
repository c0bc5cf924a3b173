-- Every fct_stock_daily size_id is a size in dim_products.
-- Why: stock of a size the catalogue does not know has no product or variant, so product_performance and
-- any stock-by-product report leave it out.
SELECT s.snapshot_date, s.warehouse_id, s.size_id
FROM reporting.fct_stock_daily AS s
WHERE NOT EXISTS (SELECT 1 FROM reporting.dim_products AS p WHERE p.size_id = s.size_id)
ORDER BY s.snapshot_date, s.warehouse_id, s.size_id;
