-- Question: How many new and how many returning customers buy each month, and what do they spend?
-- Grain: one row per month × customer_type ('new': the order is the customer's first non-cancelled
--   order; 'returning': a later one).
-- Parameters:
--   start_date (DATE, default 1900-01-01): first order_date included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.     SET VARIABLE end_date = DATE '2025-12-31';
-- Notes: DTC orders with a customer only (wholesale orders have no customer_id); cancelled orders excluded.
--   A customer whose first and second orders fall in the same month counts once in each row of that month.
with params as (
    select
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('end_date')::date, date '9999-12-31') as end_date
),
monthly as (
    select
        date_trunc('month', o.order_date)::date as month,
        case when o.is_first_order then 'new' else 'returning' end as customer_type,
        count(distinct o.customer_id) as customers,
        count(*) as orders,
        sum(o.net_amount_base) as net_sales_base
    from reporting.fct_orders as o
    cross join params as p
    where not o.is_cancelled
        and o.customer_id is not null
        and o.order_date between p.start_date and p.end_date
    group by all
)
select
    month,
    customer_type,
    customers,
    orders,
    net_sales_base,
    round(net_sales_base / orders, 2) as avg_order_value_base,
    round(orders / sum(orders) over (partition by month), 4) as share_of_month_orders
from monthly
order by month, customer_type;
