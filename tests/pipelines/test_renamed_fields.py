"""Fields Centra renamed (docs/centra-api-reference.md §A8.1, §A8.4, §A8.5) load under either name.

One sandbox serves the current names, another (`legacy_names`) the older ones for the same seeded data:
`ProductSize.GTIN` for `EAN`, `Customer.sex` for `gender`, `... on AppliedDiscount { discount }` for
`... on AppliedVoucher { voucher }`. Each column must come out the same, and not all NULL. (`Display.localized`
for `translations` has no column: the pipeline reads no display; its fitting is tested in
test_capabilities.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.server import serve_in_thread
from sandbox.settings import SandboxSettings
from tests.pipelines.loading_support import GENEROUS_QUOTAS, rows, run_load

PAIRS = {
    "GTIN→EAN (catalog)": ("catalog", "SELECT size_id, ean FROM centra_raw.product_sizes ORDER BY 1"),
    "GTIN→EAN (order lines)": (
        "orders",
        "SELECT order_line_id, ean FROM centra_raw.orders__lines ORDER BY 1",
    ),
    "sex→gender": ("customers", "SELECT customer_id, gender FROM centra_raw.customers ORDER BY 1"),
    "discount→voucher": (
        "orders",
        "SELECT order_number, voucher_code, voucher_name FROM centra_raw.orders ORDER BY 1",
    ),
}


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    folder = tmp_path_factory.mktemp("renamed")
    loaded = {}
    for legacy in (False, True):
        warehouse = folder / f"legacy-{legacy}.duckdb"
        with serve_in_thread(
            SandboxSettings(orders=120, quotas=GENEROUS_QUOTAS, legacy_names=legacy)
        ) as sandbox:
            run_load(sandbox, warehouse, resources=["orders", "customers", "catalog"])
        loaded[legacy] = warehouse
    return loaded


@pytest.mark.parametrize("pair", list(PAIRS))
def test_a_renamed_field_loads_the_same_under_either_name(warehouses: dict[bool, Path], pair: str) -> None:
    _, sql = PAIRS[pair]
    current, legacy = rows(warehouses[False], sql), rows(warehouses[True], sql)
    assert current, pair
    assert any(value is not None for row in current for value in row[1:]), f"{pair}: every value is NULL"
    assert legacy == current
