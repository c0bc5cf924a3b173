-- Question: How much stock does each warehouse hold (free to allocate, physical, allocated) on a given day?
-- Grain: one row per warehouse with stock rows on snapshot_date.
-- Parameters:
--   snapshot_date (DATE, default the latest snapshot_date in fct_stock_daily): the day.  SET VARIABLE snapshot_date = DATE '2025-06-30';
-- Notes: the day's last stock snapshot (reporting.fct_stock_daily keeps one per day from the builds that
--   ran); a day without a build has no rows. skus_in_stock counts sizes with free-to-allocate units > 0.
with params as (
    select coalesce(
        getvariable('snapshot_date')::date,
        (select max(snapshot_date) from reporting.fct_stock_daily)
    ) as snapshot_date
)
select
    st.snapshot_date,
    coalesce(w.warehouse_name, 'warehouse ' || st.warehouse_id) as warehouse_name,
    w.country_name,
    w.is_active,
    count(*) filter (where st.free_to_allocate_quantity > 0) as skus_in_stock,
    count(distinct d.product_id) filter (where st.free_to_allocate_quantity > 0) as products_in_stock,
    sum(st.free_to_allocate_quantity)::bigint as free_to_allocate_units,
    sum(st.physical_quantity)::bigint as physical_units,
    sum(st.allocated_quantity)::bigint as allocated_units,
    round(
        sum(st.free_to_allocate_quantity) / nullif(sum(sum(st.free_to_allocate_quantity)) over (), 0), 4
    ) as share_of_free_units
from reporting.fct_stock_daily as st
cross join params as p
left join reporting.dim_warehouses as w on w.warehouse_id = st.warehouse_id
left join reporting.dim_products as d on d.size_id = st.size_id
where st.snapshot_date = p.snapshot_date
group by all
order by free_to_allocate_units desc, warehouse_name;
