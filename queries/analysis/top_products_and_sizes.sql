-- Question: Which products sell best, and which of their colours and sizes carry the sales?
-- Grain: one row per product size (SKU) sold, of the top_n products by net sales in the period.
-- Parameters:
--   start_date (DATE, default 1900-01-01): first order_date included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.     SET VARIABLE end_date = DATE '2025-12-31';
--   top_n (INTEGER, default 10): number of products ranked.            SET VARIABLE top_n = 20;
-- Notes: non-cancelled orders, units after cancellations, net sales in the base currency, DTC and wholesale.
with params as (
    select
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('end_date')::date, date '9999-12-31') as end_date,
        coalesce(getvariable('top_n')::integer, 10) as top_n
),
sizes as (
    select
        l.product_id,
        l.size_id,
        sum(l.quantity)::bigint as units,
        sum(l.net_amount_base) as net_sales_base
    from reporting.fct_order_lines as l
    cross join params as p
    where not l.is_order_cancelled
        and l.order_date between p.start_date and p.end_date
    group by all
),
products as (
    select
        product_id,
        sum(units)::bigint as product_units,
        sum(net_sales_base) as product_net_sales_base,
        row_number() over (order by sum(net_sales_base) desc, product_id) as product_rank
    from sizes
    group by product_id
)
select
    pr.product_rank,
    coalesce(d.product_name, 'product ' || s.product_id) as product_name,
    pr.product_units,
    pr.product_net_sales_base,
    d.variant_name,
    d.size_name,
    d.sku,
    s.units,
    s.net_sales_base,
    round(s.units / nullif(pr.product_units, 0), 4) as share_of_product_units
from sizes as s
join products as pr on pr.product_id = s.product_id
cross join params as p
left join reporting.dim_products as d on d.size_id = s.size_id
where pr.product_rank <= p.top_n
order by pr.product_rank, s.units desc, d.sku;
