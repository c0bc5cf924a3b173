"""Next ids for the tables whose rows the generator and change sets keep appending to."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.store import Store


@dataclass
class IdSequences:
    order_line: int = 1
    shipment: int = 1
    shipment_line: int = 1
    return_: int = 1
    return_line: int = 1
    customer: int = 1
    order_number: int = 1001

    def next_order_line(self) -> int:
        self.order_line += 1
        return self.order_line - 1

    def next_shipment(self) -> int:
        self.shipment += 1
        return self.shipment - 1

    def next_shipment_line(self) -> int:
        self.shipment_line += 1
        return self.shipment_line - 1

    def next_return(self) -> int:
        self.return_ += 1
        return self.return_ - 1

    def next_return_line(self) -> int:
        self.return_line += 1
        return self.return_line - 1

    @classmethod
    def after_store(cls, store: Store) -> IdSequences:
        """Sequences continuing after the highest ids already in the store."""

        def after(table: str, column: str, first: int = 1) -> int:
            return int(store.scalar(f"SELECT coalesce(max({column}) + 1, {first}) FROM {table}"))

        return cls(
            order_line=after("order_lines", "order_line_id"),
            shipment=after("shipments", "shipment_id"),
            shipment_line=after("shipment_lines", "shipment_line_id"),
            return_=after("returns", "return_id"),
            return_line=after("return_lines", "return_line_id"),
            customer=after("customers", "customer_id"),
            order_number=after("orders", "order_number", 1001),
        )
