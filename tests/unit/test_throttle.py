from __future__ import annotations

import pytest

from shopify_elt.throttle import ThrottleBucket, page_size_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def status(available: float, maximum: float = 2000, rate: float = 100, actual: float | None = 10) -> dict:
    return {
        "requestedQueryCost": 12,
        "actualQueryCost": actual,
        "throttleStatus": {"maximumAvailable": maximum, "currentlyAvailable": available, "restoreRate": rate},
    }


def test_waits_exactly_for_the_missing_points():
    clock = Clock()
    bucket = ThrottleBucket(clock=clock)
    bucket.update(status(available=50))
    assert bucket.wait_seconds(250) == pytest.approx(2.0)  # 200 missing at 100/s
    clock.now += 1.0
    assert bucket.wait_seconds(250) == pytest.approx(1.0)
    assert bucket.wait_seconds(100) == 0.0


def test_level_never_exceeds_the_bucket():
    clock = Clock()
    bucket = ThrottleBucket(clock=clock)
    bucket.update(status(available=1990))
    clock.now += 3600
    assert bucket.level_now() == 2000


def test_accepts_floats_as_older_answers_send_them_and_counts_points():
    bucket = ThrottleBucket(clock=Clock())
    bucket.update(status(available=666, maximum=1000.0, rate=50.0, actual=None))
    bucket.update(status(available=900.0, maximum=1000.0, rate=50.0, actual=7))
    assert (bucket.maximum, bucket.restore_rate, bucket.points_spent) == (1000.0, 50.0, 7.0)


@pytest.mark.parametrize(("rate", "plan"), [(100, "standard"), (200, "advanced"), (1000, "plus"), (2000, "enterprise")])
def test_plan_is_read_from_the_restore_rate(rate, plan):
    bucket = ThrottleBucket(clock=Clock())
    bucket.update(status(available=1, maximum=rate * 20, rate=rate))
    assert bucket.plan == plan


def test_a_cost_above_the_bucket_waits_for_a_full_bucket_only():
    clock = Clock()
    bucket = ThrottleBucket(clock=clock)
    bucket.update(status(available=0, maximum=1000, rate=50))
    assert bucket.wait_seconds(5000) == pytest.approx(20.0)


def test_page_size_fits_the_budget():
    assert page_size_for(node_cost=4, budget=1000) == 249
    assert page_size_for(node_cost=1, budget=1000) == 250
    assert page_size_for(node_cost=5000, budget=1000) == 1


def test_a_declared_plan_sizes_the_bucket_before_the_first_answer():
    bucket = ThrottleBucket.for_plan("plus", clock=Clock())
    assert (bucket.maximum, bucket.restore_rate, bucket.plan) == (20000, 1000, "plus")
