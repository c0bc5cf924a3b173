-- Question: Of the customers who first bought in a month, how many buy again 1, 2, 3 ... months later,
--   and what is each cohort worth per customer over time?
-- Grain: one row per cohort_month × months_since_first_order (0 = the cohort month itself).
-- Parameters:
--   start_date (DATE, default 1900-01-01): first cohort_month included.  SET VARIABLE start_date = DATE '2025-01-01';
--   max_months (INTEGER, default 12): last months_since_first_order shown.  SET VARIABLE max_months = 6;
-- Notes: DTC customers by their first non-cancelled order (reporting.customer_cohorts); local months.
--   Recent cohorts have fewer months; a month with no orders from the cohort shows 0 active customers.
with params as (
    select
        coalesce(getvariable('start_date')::date, date '1900-01-01') as start_date,
        coalesce(getvariable('max_months')::integer, 12) as max_months
)
select
    c.cohort_month,
    c.months_since_first_order,
    c.cohort_customers,
    c.active_customers,
    round(c.retention_rate, 4) as retention_rate,
    c.orders,
    c.net_amount_base as net_sales_base,
    c.cumulative_net_amount_base_per_customer as cumulative_net_sales_per_customer_base
from reporting.customer_cohorts as c
cross join params as p
where c.cohort_month >= p.start_date
    and c.months_since_first_order <= p.max_months
order by c.cohort_month, c.months_since_first_order;
