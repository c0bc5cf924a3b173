-- An order's net_amount equals the sum of its lines' net_amount (an order without lines: 0), allowing
-- no difference beyond rounding of 0.0001.
-- Why: order-level and line-level revenue must tell the same story; a gap means lines or orders are lost
-- or double counted between the two facts.
WITH line_totals AS (
    SELECT order_number, sum(net_amount) AS lines_net_amount
    FROM reporting.fct_order_lines
    GROUP BY order_number
)
SELECT
    o.order_number,
    o.net_amount,
    coalesce(l.lines_net_amount, 0) AS lines_net_amount,
    o.net_amount - coalesce(l.lines_net_amount, 0) AS difference
FROM reporting.fct_orders AS o
LEFT JOIN line_totals AS l ON l.order_number = o.order_number
WHERE o.net_amount IS NULL OR abs(o.net_amount - coalesce(l.lines_net_amount, 0)) > 0.0001
ORDER BY o.order_number;
