-- Question: How does the average order value develop month by month, per channel (DTC, Wholesale)?
-- Grain: one row per month × channel (months with at least one non-cancelled order in the channel).
-- Parameters:
--   start_date (DATE, default 1900-01-01): first order_date included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.     SET VARIABLE end_date = DATE '2025-12-31';
-- Notes: AOV = net sales (base currency) / non-cancelled orders. aov_3m_base is over the row's month and the
--   channel's two months before it that had orders (within the date range); aov_change_pct compares with
--   the channel's previous month with orders.
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
    net_sales_base,
    round(net_sales_base / orders, 2) as aov_base,
    round(units / orders, 2) as units_per_order,
    round(
        sum(net_sales_base) over last_3 / sum(orders) over last_3, 2
    ) as aov_3m_base,
    round(
        100 * (net_sales_base / orders) / lag(net_sales_base / orders) over by_channel - 100, 1
    ) as aov_change_pct
from monthly
window
    by_channel as (partition by channel order by month),
    last_3 as (partition by channel order by month rows between 2 preceding and current row)
order by channel, month;
