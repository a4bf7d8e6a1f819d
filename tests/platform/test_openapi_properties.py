"""Property-based contract tests generated from the OpenAPI description (schemathesis), run
against the live reference platform with a real station token.

Every operation gets generated requests, valid and invalid; schemathesis's default checks
then hold the server to the description: no 5xx, only described status codes, headers and
bodies, malformed input refused (400), unsupported methods answered 405 with `Allow`.
Bounded (a few examples per operation) so the whole module runs in well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests
from hypothesis import HealthCheck, settings

from tests.platform.runner import RunningPlatform, start_platform
from tests.platform.samples import write_catalogue

if TYPE_CHECKING:
    from schemathesis import AuthContext, Case

schemathesis = pytest.importorskip("schemathesis")
positive_data_acceptance = schemathesis.checks.positive_data_acceptance

SPEC = Path(__file__).resolve().parents[2] / "resources/openapi/clerk-sync-v1.yaml"
STATION = "510104090"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningPlatform, str]]:
    """A reference platform and a real token of a registered station."""
    folder = tmp_path_factory.mktemp("properties")
    platform = start_platform(folder, catalogue=write_catalogue(folder / "catalogue.json"),
                              extra=["--progress-limit", "100000/60"])
    office = platform.back_office()
    key = office.issue_registration_key(STATION, "契约测试站")
    office.close()
    answer = requests.post(f"{platform.url}/v1/stations/register", timeout=10,
                           json={"registration_key": key, "station": STATION})
    answer.raise_for_status()
    _TOKEN["token"] = answer.json()["token"]  # before any case is generated
    yield platform, _TOKEN["token"]
    platform.stop()


schema = schemathesis.openapi.from_path(SPEC)
# 413 (batch_too_large) is how the description answers a batch over maxItems.
schema.config.checks.negative_data_rejection.expected_statuses.append("413")
_TOKEN: dict[str, str] = {}
PLACEHOLDER = "station-token-placeholder"
"""Cases are partly generated at collection, before the platform runs: they carry this, and
the test puts the live token in its place (values schemathesis generates stay as they are)."""


@schema.auth(refresh_interval=None)
class StationToken:
    """The live station token on every request schemathesis does not deliberately strip."""

    def get(self, case: Case, context: AuthContext) -> str:
        return _TOKEN.get("token", PLACEHOLDER)

    def set(self, case: Case, data: str, context: AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


@schema.parametrize()
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_the_platform_keeps_its_description(
    case: Case, live: tuple[RunningPlatform, str]
) -> None:
    platform, token = live
    assert _TOKEN["token"] == token
    if case.headers.get("Authorization") == f"Bearer {PLACEHOLDER}":
        case.headers["Authorization"] = f"Bearer {token}"
    excluded = []
    if case.media_type == "application/octet-stream":
        # Random bytes are schema-valid but can never be a sealed sync file or a chunk that
        # hashes to its page's name: 400/422 are the described answers, not a failure.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(base_url=platform.url, excluded_checks=excluded)
