"""The family protocol: a new family is a package and one registry line; both APIs give one row shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
import pytest
from dlt.extract.resource import DltResource

from pipelines.centra import families
from pipelines.centra.api_choice import NO_ENDPOINT
from pipelines.centra.capabilities import Capabilities
from pipelines.centra.families import DEFAULT_FAMILIES, FAMILIES
from pipelines.centra.families.family import Family, GraphQLPart, fixed
from pipelines.centra.families.orders import graphql_rows, order_api_rows
from pipelines.centra.graphql_client import CentraGraphQLClient
from pipelines.centra.settings import CentraSettings
from pipelines.centra.tables import ORDERS, SOURCE_API, TableSpec, typed_columns
from sandbox.server import RunningSandbox
from tests.pipelines.loading_support import rows, run_load
from tests.pipelines.order_api_support import order_api_args

# The README's worked example (pipelines/centra/README.md, "Adding a family"), here with a document the
# sandbox serves: brands as a family of their own, in a table of their own.
BRAND_LIST = TableSpec(
    "brand_list", "one row per brand", ("brand_id",), typed_columns("brand_id:bigint name:text")
)


def _brand_list(
    client: CentraGraphQLClient, settings: CentraSettings, caps: Capabilities
) -> list[DltResource]:
    query = caps.query("brands", frozenset({"Brand.id"}))

    def brand_list() -> Iterator[list[dict[str, Any]]]:
        nodes = client.execute(query, name="brands").data["brands"]
        yield [BRAND_LIST.row({"brand_id": int(n["id"]), "name": n["name"]}, "graphql") for n in nodes]

    return [dlt.resource(brand_list, name="brand_list", **BRAND_LIST.resource_hints())]


SIXTH = Family(
    "brand_list", graphql=GraphQLPart("brand_list", frozenset({"Brand.id"}), fixed("brands"), _brand_list)
)


@pytest.fixture
def sixth_family(monkeypatch: pytest.MonkeyPatch) -> Family:
    monkeypatch.setitem(families.FAMILIES, SIXTH.name, SIXTH)  # the one registry line
    return SIXTH


def test_a_new_family_is_one_package_and_one_registry_line(
    shared_sandbox: RunningSandbox, tmp_path: Path, sixth_family: Family
) -> None:
    warehouse = tmp_path / "sixth.duckdb"
    state = run_load(shared_sandbox, warehouse, resources=[sixth_family.name])
    truth = shared_sandbox.state.store.rows("SELECT brand_id, name FROM brands ORDER BY brand_id")
    loaded = rows(warehouse, f"SELECT brand_id, name, {SOURCE_API} FROM centra_raw.brand_list ORDER BY 1")
    assert [(row["brand_id"], row["name"], "graphql") for row in truth] == loaded
    assert state["last_run"]["apis"]["brand_list"]["api"] == "graphql"


def test_a_family_without_an_order_api_side_is_skipped_with_the_reason_when_the_order_api_serves(
    shared_sandbox: RunningSandbox, tmp_path: Path, sixth_family: Family
) -> None:
    args = order_api_args(shared_sandbox, api="order_api")
    state = run_load(
        shared_sandbox, tmp_path / "skipped.duckdb", resources=[sixth_family.name, "stock"], **args
    )
    apis = state["last_run"]["apis"]
    assert apis["stock"]["api"] == "order_api"
    assert apis["brand_list"]["api"] is None
    assert NO_ENDPOINT in apis["brand_list"]["reason"]


def test_every_family_of_the_registry_loads_by_default_except_reconciliation() -> None:
    assert tuple(name for name in FAMILIES if name != "reconciliation") == DEFAULT_FAMILIES
    assert DEFAULT_FAMILIES[0] == "reference"  # the others refer to it


def test_a_canonical_row_refuses_a_name_that_is_not_a_column() -> None:
    with pytest.raises(ValueError, match="orders has no column ordr_number"):
        ORDERS.row({"ordr_number": 1})
    assert ORDERS.row({"order_number": 1}, "graphql")["status"] is None


def _shape(record: dict[str, Any]) -> dict[str, Any]:
    """The column names of a record at every level of nesting."""
    shape: dict[str, Any] = {"columns": sorted(k for k, v in record.items() if not isinstance(v, list))}
    for key, value in record.items():
        if isinstance(value, list) and value:
            shape[key] = _shape(value[0])
    return shape


def test_both_apis_give_an_order_record_of_one_shape() -> None:
    node = {
        "id": "abc", "number": 7, "status": "CONFIRMED", "createdAt": "2026-01-02T10:00:00+01:00",
        "lines": [{"id": 70, "quantity": 1}],
        "shipments": [{"number": "7-1", "lines": [{"id": 700, "quantity": 1}]}],
        "returns": [{"id": 71, "lines": [{"id": 710, "quantity": 1}]}],
    }  # fmt: skip
    entry = {
        "orderId": "7", "orderDate": "2026-01-02 10:00:00", "products": [{"lineId": "70", "qty": "1"}],
        "shipments": [{"shipmentId": "7-1"}],
    }  # fmt: skip
    returned = order_api_rows.return_row(
        {"returnId": "71", "orderId": "7", "products": []}, "Europe/Stockholm"
    )
    returned["lines"] = [{"return_line_id": 710, "return_id": 71, "order_number": 7}]
    by_graphql = graphql_rows.order_record(node, "Europe/Stockholm")
    by_order_api = order_api_rows.order_record(entry, [returned], "Europe/Stockholm")
    expected = _shape(by_graphql)
    del expected["shipments"]["lines"]  # the Order API names no shipment lines
    assert _shape(by_order_api) == expected
    assert expected["columns"] == sorted([*ORDERS.column_names, SOURCE_API])
    assert (by_graphql[SOURCE_API], by_order_api[SOURCE_API]) == ("graphql", "order_api")
