-- Question: How far do orders get: placed, not cancelled, confirmed, shipped, returned? Where do they stop?
-- Grain: one row per channel (DTC, Wholesale) × funnel stage.
-- Parameters:
--   start_date (DATE, default 1900-01-01): first order_date included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.     SET VARIABLE end_date = DATE '2025-12-31';
-- Notes: stages, each a subset of the one before: 1 placed (every order); 2 not cancelled; 3 confirmed
--   (status CONFIRMED, PROCESSING, SHIPPED or ARCHIVED); 4 shipped (at least one shipment marked shipped,
--   reporting.fct_shipments); 5 returned (at least one unit on a return). Status is the order's current one.
with params as (
    select
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('end_date')::date, date '9999-12-31') as end_date
),
shipped as (
    select distinct order_number
    from reporting.fct_shipments
    where is_shipped
),
orders as (
    select
        coalesce(s.channel, o.store_type) as channel,
        not o.is_cancelled as is_not_cancelled,
        not o.is_cancelled and o.status in ('CONFIRMED', 'PROCESSING', 'SHIPPED', 'ARCHIVED') as is_confirmed,
        not o.is_cancelled and sh.order_number is not null as is_shipped,
        not o.is_cancelled and sh.order_number is not null and o.returned_units > 0 as is_returned
    from reporting.fct_orders as o
    cross join params as p
    left join reporting.dim_stores as s on s.store_id = o.store_id
    left join shipped as sh on sh.order_number = o.order_number
    where o.order_date between p.start_date and p.end_date
),
stages as (
    select channel, 1 as stage_number, 'placed' as stage, count(*) as orders from orders group by channel
    union all
    select channel, 2, 'not cancelled', count(*) filter (where is_not_cancelled) from orders group by channel
    union all
    select channel, 3, 'confirmed', count(*) filter (where is_confirmed) from orders group by channel
    union all
    select channel, 4, 'shipped', count(*) filter (where is_shipped) from orders group by channel
    union all
    select channel, 5, 'returned', count(*) filter (where is_returned) from orders group by channel
)
select
    channel,
    stage_number,
    stage,
    orders,
    round(orders / first_value(orders) over by_channel, 4) as share_of_placed,
    round(orders / nullif(lag(orders) over by_channel, 0), 4) as share_of_previous_stage
from stages
window by_channel as (partition by channel order by stage_number)
order by channel, stage_number;
