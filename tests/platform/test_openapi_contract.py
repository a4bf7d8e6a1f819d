"""The OpenAPI description, the reference platform and the adapter's answer shapes agree."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from clerk_app.sync import http_shapes
from tests.platform.samples import make_event, write_catalogue
from tests.platform.server import create_app, seed
from tests.platform.store import PlatformStore

SPEC_PATH = Path(__file__).resolve().parents[2] / "resources/openapi/clerk-sync-v1.yaml"
ADMIN = {"X-Admin-Key": "contract"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return dict(yaml.safe_load(SPEC_PATH.read_text("utf-8")))


def _validator(spec: dict[str, Any], name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    folder = tmp_path_factory.mktemp("contract")
    store = PlatformStore(f"sqlite:///{folder / 'platform.sqlite'}")
    seed(store, write_catalogue(folder / "catalogue.json"), None)
    yield create_app(store, "contract").test_client()
    store.close()


def test_the_description_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    from openapi_spec_validator import validate

    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_every_described_path_is_served_and_every_served_path_described(
    spec: dict[str, Any], client: FlaskClient
) -> None:
    assert client.application is not None
    served = {
        (re.sub(r"<(?:[^:>]*:)?([^>]+)>", r"{\1}", rule.rule), method.lower())
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/v1/") or rule.rule == "/q"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    described = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert served == described


def test_live_answers_match_the_described_schemas(
    spec: dict[str, Any], client: FlaskClient
) -> None:
    key = client.post("/admin/registration-keys", json={"station": "510104001"},
                      headers=ADMIN).get_json()["registration_key"]
    registered = client.post("/v1/stations/register",
                             json={"registration_key": key, "station": "510104001"})
    token = {"Authorization": f"Bearer {registered.get_json()['token']}"}
    events = [make_event("510104001", 1), make_event("510104001", 2, payload={})]
    pushed = client.post("/v1/events", json={"events": [*events, "junk"]}, headers=token)
    number = events[0]["application_no"]
    client.post(f"/admin/applications/{number}/status", json={"status": "in_review"},
                headers=ADMIN)
    client.post("/admin/catalogue/matters/510104-MZ-0002/withdraw", json={"reason": "合并"},
                headers=ADMIN)
    calendar = {"format": "clerk-calendar/1", "year": 2027, "source": "测试",
                "published_at": None, "holidays": [{"date": "2027-01-01", "name": "元旦"}],
                "workdays": []}
    client.put("/admin/calendar/2027", json=calendar, headers=ADMIN)
    answers = {
        "ServerTime": client.get("/v1/time"),
        "Registration": registered,
        "PushResult": pushed,
        "CatalogueDelta": client.get("/v1/catalogue", headers=token),
        "StatusChangePage": client.get("/v1/status-changes?limit=5", headers=token),
        "CalendarDelta": client.get("/v1/calendar", headers=token),
        "CentreDay": client.get("/v1/centre/applications?date=2026-11-26", headers=token),
        "Error": client.get("/v1/calendar", headers={"Authorization": "Bearer nope"}),
    }
    shapes = {
        "ServerTime": http_shapes.SERVER_TIME, "Registration": http_shapes.REGISTRATION,
        "PushResult": http_shapes.PUSH_RESULT, "CatalogueDelta": http_shapes.CATALOGUE_DELTA,
        "StatusChangePage": http_shapes.STATUS_CHANGES, "CalendarDelta": http_shapes.CALENDAR,
        "CentreDay": http_shapes.CENTRE_DAY, "Error": http_shapes.ERROR,
    }
    for name, answer in answers.items():
        body = json.loads(answer.data)
        errors = [e.message for e in _validator(spec, name).iter_errors(body)]
        assert errors == [], name
        assert http_shapes.shape_problem(shapes[name], body) is None, name
    assert [r["status"] for r in pushed.get_json()["results"]] == [
        "applied", "rejected", "rejected"]
    assert answers["CentreDay"].get_json()["applications"][0]["applicant_id_masked"] \
        == "110105********002X"
    assert answers["Error"].status_code == 401


def test_adapter_shapes_require_what_the_description_requires(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    pairs: dict[str, Any] = {
        "ServerTime": http_shapes.SERVER_TIME, "Registration": http_shapes.REGISTRATION,
        "PushResult": http_shapes.PUSH_RESULT, "CatalogueDelta": http_shapes.CATALOGUE_DELTA,
        "StatusChangePage": http_shapes.STATUS_CHANGES, "CalendarDelta": http_shapes.CALENDAR,
        "CentreDay": http_shapes.CENTRE_DAY, "Error": http_shapes.ERROR,
        "StatusChange": http_shapes.STATUS_CHANGES["properties"]["changes"]["items"],
        "CentreApplication": http_shapes.CENTRE_DAY["properties"]["applications"]["items"],
        "PushResultItem": http_shapes.PUSH_RESULT["properties"]["results"]["items"],
    }
    for name, shape in pairs.items():
        assert set(shape["required"]) == set(schemas[name]["required"]), name
