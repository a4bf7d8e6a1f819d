"""The reference platform is as strict as its description: malformed query parameters 400,
unsupported methods 405 with Allow, compression described as transport only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask.testing import FlaskClient

from tests.platform.samples import write_catalogue
from tests.platform.server import create_app, seed
from tests.platform.store import PlatformStore

SPEC = Path(__file__).resolve().parents[2] / "resources/openapi/clerk-sync-v1.yaml"
ADMIN = {"X-Admin-Key": "strict"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FlaskClient, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("strict")
    store = PlatformStore(f"sqlite:///{folder / 'platform.sqlite'}")
    seed(store, write_catalogue(folder / "catalogue.json"), None)
    test_client = create_app(store, "strict").test_client()
    key = test_client.post("/admin/registration-keys", json={"station": "510104001"},
                           headers=ADMIN).get_json()["registration_key"]
    token = test_client.post("/v1/stations/register", json={
        "registration_key": key, "station": "510104001"}).get_json()["token"]
    yield test_client, {"Authorization": f"Bearer {token}"}
    store.close()


@pytest.mark.parametrize("path", ["/v1/calendar", "/v1/catalogue", "/v1/status-changes"])
@pytest.mark.parametrize("since", ["", "abc", "-1", "1.5", "١٢", "²", "1" * 19, "0x10", " 1"])
def test_a_cursor_breaking_its_pattern_is_400(
    client: tuple[FlaskClient, dict[str, str]], path: str, since: str
) -> None:
    test_client, token = client
    answer = test_client.get(path, query_string={"since": since}, headers=token)
    assert answer.status_code == 400, (path, since)
    assert answer.get_json()["error"] == "bad_cursor"
    assert test_client.get(path, query_string={"since": "0"}, headers=token).status_code == 200


@pytest.mark.parametrize("limit", ["0", "501", "²", "abc", ""])
def test_a_limit_out_of_range_is_400(client: tuple[FlaskClient, dict[str, str]], limit: str) -> None:
    test_client, token = client
    answer = test_client.get("/v1/status-changes", query_string={"limit": limit}, headers=token)
    assert answer.status_code == 400 and answer.get_json()["error"] == "bad_limit"


def test_an_unknown_query_parameter_is_400(client: tuple[FlaskClient, dict[str, str]]) -> None:
    test_client, token = client
    answer = test_client.get("/v1/calendar", query_string={"since": "0", "x": "1"}, headers=token)
    assert answer.status_code == 400


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/v1/calendar", {"GET", "HEAD", "OPTIONS"}),
    ("PUT", "/v1/events", {"POST", "OPTIONS"}),
    ("GET", "/v1/stations/register", {"POST", "OPTIONS"}),
    ("POST", "/v1/time", {"GET", "HEAD", "OPTIONS"}),
    ("POST", "/q", {"GET", "HEAD", "OPTIONS"}),
])
def test_a_method_not_served_is_405_with_allow(
    client: tuple[FlaskClient, dict[str, str]], method: str, path: str, allowed: set[str]
) -> None:
    test_client, token = client
    answer = test_client.open(path, method=method, headers=token)
    assert answer.status_code == 405
    assert {m.strip() for m in answer.headers["Allow"].split(",")} == allowed
    assert answer.get_json()["error"] == "method_not_allowed"


def test_compression_is_transport_not_a_parameter() -> None:
    spec = yaml.safe_load(SPEC.read_text("utf-8"))
    for path, item in spec["paths"].items():
        for operation in item.values():
            names = {p.get("name", "").lower() for p in operation.get("parameters", [])}
            assert "content-encoding" not in names, path
    assert "Content-Encoding: gzip" in spec["paths"]["/v1/events"]["post"]["description"]
