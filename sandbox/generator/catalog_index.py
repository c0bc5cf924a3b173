"""What order lines are made of, read back from the store: the generator and change sets share it, so an
order written by a change set copies the catalog's *current* names, SKUs and prices."""

from __future__ import annotations

import random
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from sandbox.store import Store

SIZE_POPULARITY = {
    "XS": 0.5, "S": 1.3, "M": 2.0, "L": 1.6, "XL": 0.8,
    "36": 0.5, "37": 0.8, "38": 1.2, "39": 1.4, "40": 1.5, "41": 1.5, "42": 1.4, "43": 1.2, "44": 0.9,
    "45": 0.6, "46": 0.4,
}  # fmt: skip


@dataclass(frozen=True)
class SizeOption:
    product_size_id: int
    name: str
    sku: str | None
    ean: str | None


@dataclass
class VariantOption:
    variant_id: int
    name: str
    created_at: int
    sizes: list[SizeOption] = field(default_factory=list)
    size_weights: list[float] = field(default_factory=list)  # cumulative, for `random.choices`


@dataclass
class ProductOption:
    product_id: int
    name: str
    brand_id: int
    created_at: int
    variants: list[VariantOption] = field(default_factory=list)


def popularity(product_id: int) -> float:
    """A stable, skewed popularity: a few bestsellers, a long tail."""
    return 1.0 / (1 + zlib.crc32(str(product_id).encode()) % 60) ** 0.9


class CatalogIndex:
    def __init__(self, products: list[ProductOption], prices: dict[tuple[int, int], int]) -> None:
        self.products = sorted(products, key=lambda p: (p.created_at, p.product_id))
        self.prices = prices
        self._created = [p.created_at for p in self.products]
        self._cumulative = list(accumulate(popularity(p.product_id) for p in self.products))

    @classmethod
    def from_store(cls, store: Store) -> CatalogIndex:
        rows = store.connection.execute(
            """
            SELECT p.product_id, p.name, p.brand_id, epoch(p.created_at)::BIGINT,
                   v.variant_id, v.name, epoch(v.created_at)::BIGINT,
                   ps.product_size_id, ps.description, ps.sku, ps.ean
            FROM products p
            JOIN variants v USING (product_id)
            JOIN product_sizes ps USING (variant_id)
            JOIN sizes s USING (size_id)
            ORDER BY p.product_id, v.variant_id, s.sort_order, ps.product_size_id
            """
        ).fetchall()
        products: dict[int, ProductOption] = {}
        variants: dict[int, VariantOption] = {}
        for pid, pname, brand, pcreated, vid, vname, vcreated, psid, size_name, sku, ean in rows:
            product = products.get(pid)
            if product is None:
                product = products[pid] = ProductOption(pid, pname, brand, pcreated)
            variant = variants.get(vid)
            if variant is None:
                variant = variants[vid] = VariantOption(vid, vname, vcreated)
                product.variants.append(variant)
            variant.sizes.append(SizeOption(psid, size_name, sku, ean))
            previous = variant.size_weights[-1] if variant.size_weights else 0.0
            variant.size_weights.append(previous + SIZE_POPULARITY.get(size_name, 1.0))
        prices = {
            (variant_id, pricelist_id): int(price * 100)
            for variant_id, pricelist_id, price in store.connection.execute(
                "SELECT variant_id, pricelist_id, price FROM prices"
            ).fetchall()
        }
        return cls(list(products.values()), prices)

    def pick(self, rng: random.Random, at: int) -> tuple[ProductOption, VariantOption, SizeOption]:
        """A popular product that existed at `at`, one of its colours that existed then, and a size."""
        eligible = max(1, bisect_right(self._created, at))
        index = bisect_right(self._cumulative, rng.random() * self._cumulative[eligible - 1])
        product = self.products[min(index, eligible - 1)]
        variants = [v for v in product.variants if v.created_at <= at] or product.variants[:1]
        variant = variants[rng.randrange(len(variants))]
        size = rng.choices(variant.sizes, cum_weights=variant.size_weights)[0]
        return product, variant, size
