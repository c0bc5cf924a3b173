-- Question: Which shipments went out late, or are still waiting past the promise, and by how much?
-- Grain: one row per late shipment (shipped after late_after_hours, or not shipped and older than that
--   at as_of).
-- Parameters:
--   late_after_hours (INTEGER, default 72): hours from order creation after which a shipment is late.  SET VARIABLE late_after_hours = 48;
--   as_of (TIMESTAMPTZ, default now()): the moment an unshipped shipment's wait is measured to.       SET VARIABLE as_of = TIMESTAMPTZ '2025-07-01 00:00:00+00';
--   start_date (DATE, default 1900-01-01): first order_date included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.     SET VARIABLE end_date = DATE '2025-12-31';
-- Notes: hours_waited runs from the order's creation to shipped_at (fct_shipments.hours_to_ship) or, while
--   not shipped, to as_of; cancelled orders are left out. A split order has one row per late shipment.
with params as (
    select
        coalesce(getvariable('late_after_hours')::integer, 72) as late_after_hours,
        coalesce(getvariable('as_of')::timestamptz, now()) as as_of,
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('end_date')::date, date '9999-12-31') as end_date
),
shipments as (
    select
        sh.*,
        coalesce(sh.hours_to_ship, epoch(p.as_of - sh.order_created_at) / 3600) as hours_waited,
        p.late_after_hours
    from reporting.fct_shipments as sh
    cross join params as p
    where not sh.is_order_cancelled
        and sh.order_date between p.start_date and p.end_date
)
select
    sh.shipment_number,
    sh.order_number,
    coalesce(m.market_name, 'market ' || sh.market_id) as market_name,
    coalesce(s.channel, sh.store_type) as channel,
    sh.country_code,
    sh.carrier_name,
    sh.service_name,
    sh.order_created_at,
    sh.shipped_at,
    sh.is_shipped,
    round(sh.hours_waited, 1) as hours_waited,
    round(sh.hours_waited - sh.late_after_hours, 1) as hours_late
from shipments as sh
left join reporting.dim_markets as m on m.market_id = sh.market_id
left join reporting.dim_stores as s on s.store_id = sh.store_id
where sh.hours_waited > sh.late_after_hours
order by hours_late desc, sh.shipment_number;
