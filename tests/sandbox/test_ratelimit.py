"""Token buckets: refusal with a wait time, refill, the remembered block, the six rateLimits rows."""

from __future__ import annotations

import pytest

from sandbox.ratelimit import ComplexityTooHighError, RateLimiter
from sandbox.settings import RateLimitQuotas


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(**quotas: int) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(RateLimitQuotas(**quotas), enabled=True, monotonic=clock), clock


def test_request_bucket_refuses_the_request_past_its_quota_with_the_wait_until_refill() -> None:
    rate_limiter, _ = limiter(request_10s=3)
    assert [rate_limiter.charge(1) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert rate_limiter.charge(1) == pytest.approx(10 / 3)


def test_a_request_before_the_announced_time_is_refused_again_and_one_after_it_passes() -> None:
    rate_limiter, clock = limiter(request_10s=2)
    rate_limiter.charge(1)
    rate_limiter.charge(1)
    wait = rate_limiter.charge(1)
    clock.now += wait / 2
    assert rate_limiter.charge(1) == pytest.approx(wait / 2)
    clock.now += wait / 2 + 0.001
    assert rate_limiter.charge(1) == 0.0


def test_complexity_bucket_trips_before_the_request_bucket_for_expensive_queries() -> None:
    rate_limiter, _ = limiter(request_10s=100, complexity_10s=1000)
    assert rate_limiter.charge(600) == 0.0
    wait = rate_limiter.charge(600)
    assert wait == pytest.approx(200 * 10 / 1000)
    used = {(row["type"], row["intervalSeconds"]): row["usedQuota"] for row in rate_limiter.snapshot()}
    assert used[("REQUEST_COUNT", "TEN_SECONDS")] == 1
    assert used[("QUERY_COMPLEXITY", "TEN_SECONDS")] == 600


def test_mutations_take_from_the_mutation_buckets_only_when_they_are_mutations() -> None:
    rate_limiter, _ = limiter(mutation_10s=1)
    assert rate_limiter.charge(5, is_mutation=False) == 0.0
    assert rate_limiter.charge(5, is_mutation=True) == 0.0
    assert rate_limiter.charge(5, is_mutation=True) > 0
    assert rate_limiter.charge(5, is_mutation=False) > 0  # blocked until the announced time, like Centra


def test_a_query_larger_than_the_ten_second_complexity_quota_can_never_pass() -> None:
    rate_limiter, _ = limiter(complexity_10s=500)
    with pytest.raises(ComplexityTooHighError, match="500"):
        rate_limiter.charge(501)


def test_snapshot_has_six_buckets_where_quota_is_used_plus_remaining() -> None:
    rate_limiter, clock = limiter()
    rate_limiter.charge(250)
    clock.now += 1
    rows = rate_limiter.snapshot()
    assert {(row["type"], row["intervalSeconds"]) for row in rows} == {
        (kind, interval)
        for kind in ("REQUEST_COUNT", "QUERY_COMPLEXITY", "MUTATION_COUNT")
        for interval in ("TEN_SECONDS", "ONE_HOUR")
    }
    for row in rows:
        assert row["quota"] == row["usedQuota"] + row["remainingQuota"]  # type: ignore[operator]


def test_disabled_limiter_allows_everything() -> None:
    rate_limiter, _ = limiter(request_10s=1)
    rate_limiter.enabled = False
    assert all(rate_limiter.charge(10**9) == 0.0 for _ in range(50))
