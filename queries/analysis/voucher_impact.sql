-- Question: What do vouchers do to orders: how many orders use each voucher, what do they cost, and how
--   do order value and returns compare with orders without a voucher?
-- Grain: one row per voucher_code, plus one row '(no voucher)' for the orders without one.
-- Parameters:
--   start_date (DATE, default 1900-01-01): first order_date included.  SET VARIABLE start_date = DATE '2025-01-01';
--   end_date (DATE, default 9999-12-31): last order_date included.     SET VARIABLE end_date = DATE '2025-12-31';
-- Notes: non-cancelled orders, DTC and wholesale; amounts in the base currency. net_sales_base is line values
--   after line discounts, before the voucher: voucher_amount_base (money off the order's grand total) is
--   what the vouchers cost; a free-shipping voucher may be 0. new_customer_orders counts customers' first
--   orders.
with params as (
    select
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('end_date')::date, date '9999-12-31') as end_date
),
orders as (
    select
        o.*,
        case
            when o.has_voucher then coalesce(o.voucher_code, '(unnamed voucher)')
            else '(no voucher)'
        end as voucher
    from reporting.fct_orders as o
    cross join params as p
    where not o.is_cancelled
        and o.order_date between p.start_date and p.end_date
)
select
    voucher as voucher_code,
    count(*) as orders,
    round(count(*) / sum(count(*)) over (), 4) as share_of_orders,
    count(*) filter (where is_first_order) as new_customer_orders,
    sum(net_amount_base) as net_sales_base,
    round(sum(net_amount_base) / count(*), 2) as avg_order_value_base,
    coalesce(sum(voucher_amount_base), 0) as voucher_amount_base,
    round(coalesce(sum(voucher_amount_base), 0) / count(*), 2) as avg_voucher_amount_base,
    sum(discount_amount_base) as line_discounts_base,
    round(sum(returned_units) / nullif(sum(units), 0), 4) as return_rate
from orders
group by voucher
order by voucher = '(no voucher)' desc, orders desc, voucher;
