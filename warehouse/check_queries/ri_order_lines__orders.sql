-- Every order line belongs to an order: fct_order_lines.order_number exists in fct_orders.
-- Why: a line without its order drops out of every order-level figure (orders, AOV, agg_daily_sales).
SELECT l.order_line_id, l.order_number, l.order_id
FROM reporting.fct_order_lines AS l
WHERE NOT EXISTS (SELECT 1 FROM reporting.fct_orders AS o WHERE o.order_number = l.order_number)
ORDER BY l.order_line_id;
