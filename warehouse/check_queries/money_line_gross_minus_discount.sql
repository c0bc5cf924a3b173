-- On fct_order_lines, gross_amount − discount_amount = net_amount, allowing no difference beyond 0.0001.
-- Why: discount is defined as gross − net; a line that breaks it reports a discount nobody gave.
SELECT
    order_line_id,
    order_number,
    gross_amount,
    discount_amount,
    net_amount,
    gross_amount - discount_amount - net_amount AS difference
FROM reporting.fct_order_lines
WHERE gross_amount IS NULL OR discount_amount IS NULL OR net_amount IS NULL
   OR abs(gross_amount - discount_amount - net_amount) > 0.0001
ORDER BY order_line_id;
