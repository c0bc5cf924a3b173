-- No negative quantity: fct_orders units and returned_units; fct_order_lines quantity, cancelled_quantity
-- and returned_quantity; fct_returns quantity. One row per offending value: table, key, column, value.
-- Why: quantities are counts of units (current ones after cancellations); a negative one means a
-- cancellation or return was counted twice or a load went wrong. Stock quantities are not checked:
-- Centra may report oversold stock as negative free-to-allocate.
SELECT table_name, key_value, column_name, value
FROM (
    SELECT 'fct_orders' AS table_name, 'order_number=' || order_number AS key_value,
           'units' AS column_name, units AS value
    FROM reporting.fct_orders WHERE units < 0
    UNION ALL
    SELECT 'fct_orders', 'order_number=' || order_number, 'returned_units', returned_units
    FROM reporting.fct_orders WHERE returned_units < 0
    UNION ALL
    SELECT 'fct_order_lines', 'order_line_id=' || order_line_id, 'quantity', quantity
    FROM reporting.fct_order_lines WHERE quantity < 0
    UNION ALL
    SELECT 'fct_order_lines', 'order_line_id=' || order_line_id, 'cancelled_quantity', cancelled_quantity
    FROM reporting.fct_order_lines WHERE cancelled_quantity < 0
    UNION ALL
    SELECT 'fct_order_lines', 'order_line_id=' || order_line_id, 'returned_quantity', returned_quantity
    FROM reporting.fct_order_lines WHERE returned_quantity < 0
    UNION ALL
    SELECT 'fct_returns', 'return_line_id=' || return_line_id, 'quantity', quantity
    FROM reporting.fct_returns WHERE quantity < 0
)
ORDER BY table_name, column_name, key_value;
