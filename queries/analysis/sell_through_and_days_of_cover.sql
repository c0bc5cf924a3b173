-- Question: Per product colour, how much of what we had has sold (sell-through), and how many days will
--   the stock left last at the recent sales pace (days of cover)?
-- Grain: one row per variant (product colour) that has sold or has stock free to allocate.
-- Parameters:
--   low_cover_days (INTEGER, default 28): days of cover below which a variant is flagged 'low'.  SET VARIABLE low_cover_days = 14;
-- Notes: from reporting.product_performance, as of the last build: units sold all time (non-cancelled
--   orders), stock free to allocate now over all warehouses, pace = units sold in the 28 local days
--   before the build / 28. days_of_cover is empty when nothing sold in those 28 days ('no recent sales').
with params as (
    select coalesce(getvariable('low_cover_days')::integer, 28) as low_cover_days
),
variants as (
    select
        variant_id,
        any_value(product_name) as product_name,
        any_value(variant_name) as variant_name,
        any_value(brand_name) as brand_name,
        any_value(collection_name) as collection_name
    from reporting.dim_products
    group by variant_id
)
select
    coalesce(v.product_name, 'product ' || pp.product_id) as product_name,
    v.variant_name,
    v.brand_name,
    v.collection_name,
    pp.units_sold,
    pp.free_to_allocate_now,
    round(pp.sell_through_rate, 4) as sell_through_rate,
    round(pp.avg_daily_units_28d, 3) as avg_daily_units_28d,
    round(pp.days_of_cover, 1) as days_of_cover,
    case
        when pp.free_to_allocate_now <= 0 then 'out of stock'
        when pp.days_of_cover is null then 'no recent sales'
        when pp.days_of_cover < p.low_cover_days then 'low'
        else 'ok'
    end as cover_status
from reporting.product_performance as pp
cross join params as p
left join variants as v on v.variant_id = pp.variant_id
where pp.units_sold > 0 or pp.free_to_allocate_now > 0
order by pp.days_of_cover nulls last, pp.sell_through_rate desc nulls last, product_name, v.variant_name;
