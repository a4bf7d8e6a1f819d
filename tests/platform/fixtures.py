"""Pytest fixtures for the reference platform; import them from the root conftest::

    from tests.platform.fixtures import (  # noqa: F401
        back_office, fault_proxy, reference_platform, registered_adapter, station_code,
    )
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from clerk_app.sync.adapter import ClerkSyncV1Adapter
from tests.faults.proxy import FaultProxy
from tests.platform.backoffice import BackOffice
from tests.platform.runner import RunningPlatform, start_platform
from tests.platform.samples import write_catalogue

_station_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def reference_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """A reference platform (own process and SQLite file) shared by a test module.

    Seeded with `samples.sample_catalogue()` and the bundled calendars.
    """
    folder = tmp_path_factory.mktemp("platform")
    running = start_platform(folder, catalogue=write_catalogue(folder / "catalogue.json"))
    yield running
    running.stop()


@pytest.fixture
def back_office(reference_platform: RunningPlatform) -> Iterator[BackOffice]:
    """The platform's admin API client."""
    office = reference_platform.back_office()
    yield office
    office.close()


@pytest.fixture
def station_code() -> str:
    """A station code no other test of the session uses (region 510104 + 3 digits)."""
    return f"510104{next(_station_numbers) % 1000:03d}"


@pytest.fixture
def fault_proxy(reference_platform: RunningPlatform) -> Iterator[FaultProxy]:
    """A fault proxy in front of the reference platform (use `fault_proxy.url`)."""
    with FaultProxy("127.0.0.1", reference_platform.port) as proxy:
        yield proxy


@pytest.fixture
def registered_adapter(
    reference_platform: RunningPlatform, back_office: BackOffice, station_code: str
) -> Iterator[ClerkSyncV1Adapter]:
    """A `ClerkSyncV1Adapter` straight to the platform, registered as `station_code`."""
    adapter = ClerkSyncV1Adapter(reference_platform.url, connect_timeout=2, read_timeout=5)
    adapter.register(back_office.issue_registration_key(station_code, "测试站点"), station_code)
    yield adapter
    adapter.close()
