-- Question: What share of shipments goes out late, per carrier and month, and how long does shipping take?
-- Grain: one row per month (of the order's creation, local) × carrier with at least one shipped shipment.
-- Parameters:
--   late_after_hours (INTEGER, default 72): hours from order creation after which a shipment is late.  SET VARIABLE late_after_hours = 48;
--   start_date (DATE, default 1900-01-01): first order_date included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.     SET VARIABLE end_date = DATE '2025-12-31';
-- Notes: shipped shipments of non-cancelled orders only (late_shipments.sql lists the ones still waiting);
--   hours from the order's creation to shipped_at.
with params as (
    select
        coalesce(getvariable('late_after_hours')::integer, 72) as late_after_hours,
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('end_date')::date, date '9999-12-31') as end_date
)
select
    date_trunc('month', sh.order_date)::date as month,
    coalesce(sh.carrier_name, '(no carrier)') as carrier_name,
    count(*) as shipments,
    count(*) filter (where sh.hours_to_ship > p.late_after_hours) as late_shipments,
    round(count(*) filter (where sh.hours_to_ship > p.late_after_hours) / count(*), 4) as late_rate,
    round(median(sh.hours_to_ship), 1) as median_hours_to_ship,
    round(quantile_cont(sh.hours_to_ship, 0.9), 1) as p90_hours_to_ship
from reporting.fct_shipments as sh
cross join params as p
where sh.is_shipped
    and sh.hours_to_ship is not null
    and not sh.is_order_cancelled
    and sh.order_date between p.start_date and p.end_date
group by all
order by month, late_rate desc, carrier_name;
