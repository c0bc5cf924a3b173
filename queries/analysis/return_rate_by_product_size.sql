-- Question: Which products and sizes come back most: the return rate per product size?
-- Grain: one row per product size (SKU) with at least min_units units sold in the period.
-- Parameters:
--   start_date (DATE, default 1900-01-01): first order_date (of the sale) included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.                   SET VARIABLE end_date = DATE '2025-12-31';
--   min_units (INTEGER, default 1): fewest units sold for a size to be shown.         SET VARIABLE min_units = 10;
-- Notes: returns are counted against the order they were bought on (by order_date), completed or not;
--   non-cancelled orders only. return_rate = units_returned / units_sold. product_return_rate is the
--   whole product's rate, to compare a size against.
with params as (
    select
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('end_date')::date, date '9999-12-31') as end_date,
        coalesce(getvariable('min_units')::integer, 1) as min_units
),
sizes as (
    select
        l.product_id,
        l.size_id,
        sum(l.quantity)::bigint as units_sold,
        sum(l.returned_quantity)::bigint as units_returned
    from reporting.fct_order_lines as l
    cross join params as p
    where not l.is_order_cancelled
        and l.order_date between p.start_date and p.end_date
    group by all
),
with_product as (
    select
        *,
        sum(units_returned) over (partition by product_id) as product_units_returned,
        sum(units_sold) over (partition by product_id) as product_units_sold
    from sizes
)
select
    coalesce(d.product_name, 'product ' || s.product_id) as product_name,
    d.variant_name,
    d.size_name,
    d.sku,
    s.units_sold,
    s.units_returned,
    round(s.units_returned / nullif(s.units_sold, 0), 4) as return_rate,
    round(s.product_units_returned / nullif(s.product_units_sold, 0), 4) as product_return_rate
from with_product as s
cross join params as p
left join reporting.dim_products as d on d.size_id = s.size_id
where s.units_sold >= p.min_units
order by return_rate desc, s.units_returned desc, product_name, d.sku;
