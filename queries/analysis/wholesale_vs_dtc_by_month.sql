-- Question: How do wholesale and direct-to-consumer (DTC) compare each month: orders, units, net sales and
--   their share of the month?
-- Grain: one row per month × channel (DTC, Wholesale) with at least one non-cancelled order.
-- Parameters:
--   start_date (DATE, default 1900-01-01): first order_date included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.     SET VARIABLE end_date = DATE '2025-12-31';
-- Notes: cancelled orders excluded; net sales in the base currency. buyers counts DTC customers or
--   wholesale accounts with an order in the month.
with params as (
    select
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('end_date')::date, date '9999-12-31') as end_date
),
monthly as (
    select
        date_trunc('month', o.order_date)::date as month,
        coalesce(s.channel, o.store_type) as channel,
        count(*) as orders,
        count(distinct coalesce('customer ' || o.customer_id, 'account ' || o.account_id)) as buyers,
        sum(o.units)::bigint as units,
        sum(o.net_amount_base) as net_sales_base
    from reporting.fct_orders as o
    cross join params as p
    left join reporting.dim_stores as s on s.store_id = o.store_id
    where not o.is_cancelled
        and o.order_date between p.start_date and p.end_date
    group by all
)
select
    month,
    channel,
    orders,
    buyers,
    units,
    net_sales_base,
    round(net_sales_base / orders, 2) as avg_order_value_base,
    round(units / orders, 2) as units_per_order,
    round(net_sales_base / nullif(sum(net_sales_base) over (partition by month), 0), 4)
        as share_of_month_net_sales
from monthly
order by month, channel;
