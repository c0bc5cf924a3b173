-- Every DTC order with a customer_id points at a customer in dim_customers.
-- Why: customer metrics and cohorts are built from dim_customers; an unknown customer's orders vanish
-- from them (typically the customers load is behind the orders load).
SELECT o.order_number, o.customer_id, o.store_type
FROM reporting.fct_orders AS o
WHERE o.store_type = 'DIRECT_TO_CONSUMER'
  AND o.customer_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM reporting.dim_customers AS c WHERE c.customer_id = o.customer_id)
ORDER BY o.order_number;
