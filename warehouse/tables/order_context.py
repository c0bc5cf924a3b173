"""What an order's rows need beyond the order itself: its conversion rate (with its source) and its store.

Both come from the whole history and the reference tables, so every order-grain table reads them the same
way: it declares `ORDER_CONTEXT` as a `whole_history` input and passes its orders through `with_context`.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from warehouse.registry import BuildParams, TableFunction
from warehouse.tables.conversion_rates import order_conversion_rates
from warehouse.tables.order_api_members import order_store_ids
from warehouse.tables.reference_inputs import optional_reference

ORDER_CONTEXT = "order_context"
INPUTS = ("orders", "markets", "stores", "currencies", "currency_rates")
OPTIONAL_INPUTS = optional_reference("markets", "stores", "currencies")


def order_context(inputs: Mapping[str, pl.LazyFrame], params: BuildParams) -> pl.LazyFrame:
    """order_number, conversion_rate, conversion_rate_source, store_id for every order."""
    stores = order_store_ids(inputs["orders"], inputs["markets"], inputs["stores"])
    return order_conversion_rates(inputs, params).join(stores, on="order_number", how="left")


WHOLE_HISTORY: Mapping[str, TableFunction] = {ORDER_CONTEXT: order_context}


def with_context(orders: pl.LazyFrame, inputs: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """`orders` with conversion_rate, conversion_rate_source and store_id from the order context."""
    return orders.drop("conversion_rate", "store_id").join(
        inputs[ORDER_CONTEXT], on="order_number", how="left"
    )
