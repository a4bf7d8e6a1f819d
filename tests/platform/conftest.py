"""Fixtures of the reference platform for the tests in this folder (see fixtures.py)."""

from tests.platform.fixtures import (
    back_office,
    fault_proxy,
    reference_platform,
    registered_adapter,
    station_code,
)

__all__ = ["back_office", "fault_proxy", "reference_platform", "registered_adapter",
           "station_code"]
