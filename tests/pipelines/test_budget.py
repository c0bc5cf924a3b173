"""The client-side budget keeps requests inside a share of every bucket the instance reports."""

from __future__ import annotations

import pytest

from pipelines.centra.budget import RateBudget


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def rate_limits(request_10s: int = 20, complexity_10s: int = 1000, used: int = 0) -> list[dict[str, object]]:
    rows = []
    for kind, interval, quota in [
        ("REQUEST_COUNT", "TEN_SECONDS", request_10s),
        ("REQUEST_COUNT", "ONE_HOUR", 10_000),
        ("QUERY_COMPLEXITY", "TEN_SECONDS", complexity_10s),
        ("QUERY_COMPLEXITY", "ONE_HOUR", 1_000_000),
        ("MUTATION_COUNT", "TEN_SECONDS", 100),
        ("MUTATION_COUNT", "ONE_HOUR", 1000),
    ]:
        spent = used if interval == "TEN_SECONDS" and kind == "REQUEST_COUNT" else 0
        rows.append({"type": kind, "intervalSeconds": interval, "quota": quota,
                     "usedQuota": spent, "remainingQuota": quota - spent})  # fmt: skip
    return rows


def budget(share: float) -> tuple[RateBudget, FakeTime]:
    clock = FakeTime()
    return RateBudget(share, monotonic=clock.monotonic, sleep=clock.sleep), clock


def test_requests_beyond_the_share_wait_for_refill() -> None:
    rate_budget, clock = budget(0.5)
    rate_budget.align(rate_limits(request_10s=20))
    waits = [rate_budget.acquire(1) for _ in range(10)]
    assert waits == [0.0] * 10  # 50 % of 20 requests per 10 s
    assert rate_budget.acquire(1) == pytest.approx(1.0)  # refill: 10 per 10 s
    assert clock.now == pytest.approx(1.0)


def test_sustained_rate_stays_at_the_share_of_the_quota() -> None:
    rate_budget, clock = budget(0.5)
    rate_budget.align(rate_limits(request_10s=20, complexity_10s=10**9))
    for _ in range(210):
        rate_budget.acquire(1)
    # 10 up front, then 1 per second: 200 more take 200 s
    assert clock.now == pytest.approx(200.0)


def test_complexity_paces_expensive_queries() -> None:
    rate_budget, clock = budget(1.0)
    rate_budget.align(rate_limits(request_10s=1000, complexity_10s=1000))
    for _ in range(4):
        rate_budget.acquire(500)
    assert clock.now == pytest.approx(10.0)  # 2000 complexity at 100 per second, 1000 up front


def test_other_integrations_use_is_taken_from_rate_limits() -> None:
    rate_budget, _ = budget(0.5)
    rate_budget.align(rate_limits(request_10s=20, used=15))  # 5 left; our reserve keeps 10 free
    assert rate_budget.acquire(1) > 0


def test_reported_complexity_corrects_the_estimate() -> None:
    rate_budget, _ = budget(1.0)
    rate_budget.align(rate_limits(request_10s=1000, complexity_10s=1000))
    rate_budget.acquire(10)
    rate_budget.settle(estimated=10, actual=1000)
    assert rate_budget.acquire(10) == pytest.approx(0.1)  # bucket emptied by the 1000 reported


def test_share_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match="share"):
        RateBudget(1.5)


def test_page_complexity_ceiling_follows_the_ten_second_bucket() -> None:
    rate_budget, _ = budget(0.5)
    rate_budget.align(rate_limits(complexity_10s=150_000))
    assert rate_budget.max_complexity_per_request() == 18_750


def test_refill_during_a_request_to_a_full_bucket_is_not_counted() -> None:
    rate_budget, clock = budget(1.0)
    rate_budget.align(rate_limits(request_10s=1000, complexity_10s=1000))
    rate_budget.acquire(300)  # leaves with a full bucket: Centra charges on arrival, when it is still full
    clock.now += 0.5  # in flight: our copy would refill 50 that Centra's full bucket could not hold
    rate_budget.settle(estimated=300, actual=300)
    assert rate_budget.acquire(750) == pytest.approx(0.5)  # 700 left at most, not 750
