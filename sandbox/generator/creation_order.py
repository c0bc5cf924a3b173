"""Shipment and return ids in creation order, as Centra's auto-increment hands them out.

The generator walks orders by placement time, but an order's shipments and returns are created days or weeks
later, interleaved with later orders' ones. They wait here under provisional ids; once the walk passes their
creation time, nothing created earlier can still arrive (later orders only create later rows), so they are
numbered and written. Returns refer to their shipment and shipment lines by provisional id until then.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any

from sandbox.generator.id_sequences import IdSequences
from sandbox.generator.lifecycle import Fulfilment

Row = dict[str, Any]


class CreationOrder:
    def __init__(self, write: Callable[[str, Row], None]) -> None:
        self._write = write
        self._ids = IdSequences()
        self._shipments: list[tuple[int, int, Row, list[Row]]] = []
        self._returns: list[tuple[int, int, Row, list[Row]]] = []
        self._awaited: dict[
            tuple[str, int], int
        ] = {}  # provisional id a pending return refers to -> final id

    def add(self, fulfilment: Fulfilment) -> None:
        """Hold one order's shipments and returns (at most one return per order) until `release`."""
        lines_of: dict[int, list[Row]] = {}
        for line in fulfilment.shipment_lines:
            lines_of.setdefault(line["shipment_id"], []).append(line)
        for shipment in fulfilment.shipments:
            entry = (
                shipment["created_at"],
                shipment["shipment_id"],
                shipment,
                lines_of.get(shipment["shipment_id"], []),
            )
            heappush(self._shipments, entry)
        for row in fulfilment.returns:
            lines = [line for line in fulfilment.return_lines if line["return_id"] == row["return_id"]]
            self._awaited[("shipment", row["shipment_id"])] = 0
            for line in lines:
                self._awaited[("shipment_line", line["shipment_line_id"])] = 0
            heappush(self._returns, (row["created_at"], row["return_id"], row, lines))

    def release(self, until: int | None = None) -> None:
        """Number and write everything created at or before `until` (everything when None)."""
        while self._shipments and (until is None or self._shipments[0][0] <= until):
            _, provisional, shipment, lines = heappop(self._shipments)
            shipment["shipment_id"] = self._ids.next_shipment()
            self._settle(("shipment", provisional), shipment["shipment_id"])
            self._write("shipments", shipment)
            for line in lines:
                provisional_line = line["shipment_line_id"]
                line.update(
                    shipment_id=shipment["shipment_id"], shipment_line_id=self._ids.next_shipment_line()
                )
                self._settle(("shipment_line", provisional_line), line["shipment_line_id"])
                self._write("shipment_lines", line)
        while self._returns and (until is None or self._returns[0][0] <= until):
            _, _, row, lines = heappop(self._returns)
            row.update(
                return_id=self._ids.next_return(),
                shipment_id=self._awaited.pop(("shipment", row["shipment_id"])),
            )
            self._write("returns", row)
            for line in lines:
                shipment_line_id = self._awaited.pop(("shipment_line", line["shipment_line_id"]))
                line.update(
                    return_line_id=self._ids.next_return_line(),
                    return_id=row["return_id"],
                    shipment_line_id=shipment_line_id,
                )
                self._write("return_lines", line)

    def _settle(self, key: tuple[str, int], final_id: int) -> None:
        if key in self._awaited:
            self._awaited[key] = final_id
