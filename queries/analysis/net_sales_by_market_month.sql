-- Question: What are net sales per market and month, in the base currency?
-- Grain: one row per month × market (markets with at least one non-cancelled order in the month).
-- Parameters:
--   start_date (DATE, default 1900-01-01): first order_date included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.     SET VARIABLE end_date = DATE '2025-12-31';
-- Notes: cancelled orders are excluded; months are local (the Centra instance's timezone). Net sales are line
--   values after line discounts (fct_orders.net_amount_base), before returns, without shipping.
with params as (
    select
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('end_date')::date, date '9999-12-31') as end_date
)
select
    date_trunc('month', o.order_date)::date as month,
    coalesce(m.market_name, 'market ' || o.market_id) as market_name,
    coalesce(s.channel, o.store_type) as channel,
    count(*) as orders,
    sum(o.units)::bigint as units,
    sum(o.gross_amount_base) as gross_sales_base,
    sum(o.discount_amount_base) as discounts_base,
    sum(o.net_amount_base) as net_sales_base,
    round(sum(o.net_amount_base) / count(*), 2) as avg_order_value_base
from reporting.fct_orders as o
cross join params as p
left join reporting.dim_markets as m on m.market_id = o.market_id
left join reporting.dim_stores as s on s.store_id = o.store_id
where not o.is_cancelled
    and o.order_date between p.start_date and p.end_date
group by all
order by month, net_sales_base desc, market_name;
