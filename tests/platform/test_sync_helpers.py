"""Pure sync helpers: backoff with full jitter and Retry-After, batches bounded by count and bytes."""

from __future__ import annotations

import gzip
import json
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk_app.sync.backoff import Backoff, parse_retry_after
from clerk_app.sync.http_batching import batch_events, encode_batch

NOW = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)


def test_ceiling_grows_exponentially_up_to_the_cap() -> None:
    policy = Backoff(base=2, factor=2, cap=60)
    assert [policy.ceiling(n) for n in range(7)] == [2, 4, 8, 16, 32, 60, 60]
    assert policy.ceiling(10_000) == 60


def test_full_jitter_spreads_delays_over_zero_to_ceiling() -> None:
    policy = Backoff(base=1, cap=8)
    rng = random.Random(3)
    delays = [policy.delay(3, rng) for _ in range(2000)]
    assert all(0 <= d <= 8 for d in delays)
    assert min(delays) < 0.5 and max(delays) > 7.5
    assert 3.5 < sum(delays) / len(delays) < 4.5  # uniform: mean is half the ceiling
    assert delays[:10] == [policy.delay(3, r) for r in [random.Random(3)] for _ in range(10)]


def test_retry_after_is_honoured_but_limited() -> None:
    policy = Backoff(base=1, cap=8, retry_after_limit=600)
    rng = random.Random(1)
    assert all(policy.delay(0, rng, retry_after=30) == 30 for _ in range(50))
    assert policy.delay(0, rng, retry_after=10**9) == 600
    assert 0 <= policy.delay(0, rng, retry_after=-5) <= 1


def test_bad_policies_are_refused() -> None:
    refused: list[dict[str, float]] = [{"base": 0}, {"factor": 0.5}, {"base": 10, "cap": 5}]
    for kwargs in refused:
        with pytest.raises(ValueError):
            Backoff(**kwargs)
    with pytest.raises(ValueError):
        Backoff().ceiling(-1)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ((NOW + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT"), 90.0),
        ((NOW - timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT"), 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("-3", None),
    ],
)
def test_retry_after_header_forms(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


def _event(seq: int, size: int, rng: random.Random) -> dict[str, object]:
    noise = "".join(rng.choice("甲乙丙丁戊己庚辛壬癸abcdef0123456789") for _ in range(size))
    return {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "station": "510104001",
            "seq": seq, "type": "application.visit", "application_no": "51010400120261126000011",
            "occurred_at": "2026-11-26T09:30:00+08:00", "payload": {"note": noise}}


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=3000), max_size=60),
    max_count=st.integers(min_value=1, max_value=25),
    max_bytes=st.integers(min_value=200, max_value=20_000),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_batches_keep_order_and_respect_both_bounds(
    sizes: list[int], max_count: int, max_bytes: int, seed: int
) -> None:
    rng = random.Random(seed)
    events = [_event(i + 1, size, rng) for i, size in enumerate(sizes)]
    batches = batch_events(events, max_count, max_bytes)
    assert [e for batch in batches for e in batch] == events
    for batch in batches:
        assert 1 <= len(batch) <= max_count
        body = encode_batch(batch)
        assert len(body) <= max_bytes or len(batch) == 1  # an oversized event travels alone
        assert json.loads(gzip.decompress(body)) == {"events": batch}
    for first, second in zip(batches, batches[1:], strict=False):
        if len(first) < max_count:  # cut by bytes: the next event would not have fitted
            assert len(encode_batch([*first, second[0]])) > max_bytes


def test_batch_limits_cut_where_expected() -> None:
    rng = random.Random(5)
    events = [_event(i, 100, rng) for i in range(10)]
    assert [len(b) for b in batch_events(events, 4, 1_000_000)] == [4, 4, 2]
    assert batch_events([], 4, 1000) == []
    one = len(encode_batch(events[:1]))
    assert all(len(b) == 1 for b in batch_events(events, 10, one))
    with pytest.raises(ValueError):
        batch_events(events, 0, 1000)
