"""The bundled sample catalogue (事项目录) and its JSON Schema (clerk-catalogue/1)."""

from __future__ import annotations

import copy
import importlib.util
import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = ROOT / "resources" / "catalogue"
SCHEMA_PATH = CATALOGUE_DIR / "catalogue.schema.json"
SAMPLE_PATH = CATALOGUE_DIR / "sample_catalogue.json"
GENERATOR_PATH = CATALOGUE_DIR / "tools" / "build_sample_catalogue.py"

KINDS = {"行政许可", "行政确认", "行政给付", "行政裁决", "行政奖励", "其他行政权力", "公共服务"}
WINDOWS_3 = {"社会保障", "民生事务", "综合服务"}
WINDOWS_X = {"商事登记", "城建国土", "农林渔牧", "退役军人服务"}
NAMED_MATTERS = [
    "城乡居民基本养老保险参保登记",
    "最低生活保障申请",
    "残疾人证新办",
    "个体工商户设立登记",
    "生育登记",
    "临时救助申请",
    "农村宅基地和建房(规划许可)申请",
    "高龄津贴申领",
    "就业创业证申领",
    "医疗救助申请",
]


def _norm(name: str) -> str:
    return name.replace("(", "\uff08").replace(")", "\uff09")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Any]:
    return json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def matters(catalogue: dict[str, Any]) -> list[dict[str, Any]]:
    return catalogue["matters"]


def _errors(validator: jsonschema.Draft202012Validator, doc: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


# ------------------------------------------------------------------ schema and sample


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_sample_validates_against_schema(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    assert _errors(validator, catalogue) == []


def test_sample_is_generated_output_of_the_tool() -> None:
    spec = importlib.util.spec_from_file_location("build_sample_catalogue", GENERATOR_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == SAMPLE_PATH.read_text(encoding="utf-8"), (
        "sample_catalogue.json is stale: run python resources/catalogue/tools/build_sample_catalogue.py"
    )


def test_at_least_45_matters(matters: list[dict[str, Any]]) -> None:
    assert len(matters) >= 45


def test_named_matters_present(matters: list[dict[str, Any]]) -> None:
    names = {_norm(m["name"]) for m in matters if m["status"] == "active"}
    missing = [n for n in NAMED_MATTERS if _norm(n) not in names]
    assert missing == []


def test_every_window_of_3_plus_x_used(matters: list[dict[str, Any]]) -> None:
    used = Counter(w for m in matters if m["status"] == "active" for w in m["windows"])
    assert set(used) >= WINDOWS_3 | WINDOWS_X


def test_every_kind_used(matters: list[dict[str, Any]]) -> None:
    assert {m["kind"] for m in matters if m["status"] == "active"} == KINDS


def test_codes_unique(matters: list[dict[str, Any]]) -> None:
    codes = Counter(m["code"] for m in matters)
    assert [c for c, n in codes.items() if n > 1] == []


def test_material_ids_unique_per_matter(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        ids = Counter(x["id"] for x in m["materials"])
        assert [i for i, n in ids.items() if n > 1] == [], m["name"]


def test_some_core_material_is_never_deferrable(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        assert any(x["core"] and not x["deferrable"] for x in m["materials"]), m["name"]


def test_conditional_materials_carry_a_condition(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        for x in m["materials"]:
            if x["requirement"] == "conditional":
                assert x["condition"]["text"].strip(), (m["name"], x["id"])
            else:
                assert "condition" not in x, (m["name"], x["id"])


def test_agent_documents_are_conditional_on_agent(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        for x in m["materials"]:
            if x["id"] == "power_of_attorney":
                assert x["condition"]["when"] == "agent", m["name"]


def test_immediate_matters_promise_zero_days(matters: list[dict[str, Any]]) -> None:
    immediate = [m for m in matters if m["handling"] == "immediate"]
    assert len(immediate) >= 3
    for m in immediate:
        assert m["promised_limit"]["days"] == 0, m["name"]
    for m in matters:
        if m["handling"] == "promised":
            assert m["promised_limit"]["days"] >= 1, m["name"]


def test_promised_limit_not_longer_than_legal(matters: list[dict[str, Any]]) -> None:
    compared = 0
    for m in matters:
        legal, promised = m["legal_limit"], m["promised_limit"]
        if legal is not None and legal["unit"] == promised["unit"]:
            compared += 1
            assert promised["days"] <= legal["days"], m["name"]
    assert compared >= 5


def test_flags_agree_with_visits(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        assert m["flags"]["zero_visit"] == (m["visits"] == 0), m["name"]
        assert m["flags"]["max_one_trip"] == (m["visits"] <= 1), m["name"]


def test_withdrawn_matters_explain_why(matters: list[dict[str, Any]]) -> None:
    withdrawn = [m for m in matters if m["status"] == "withdrawn"]
    assert 1 <= len(withdrawn) <= 2
    for m in withdrawn:
        assert m.get("withdrawn_reason", "").strip(), m["name"]
    for m in matters:
        if m["status"] == "active":
            assert "withdrawn_reason" not in m, m["name"]


def test_remedies_name_reconsideration_and_litigation(matters: list[dict[str, Any]]) -> None:
    for m in matters:
        if m["kind"] != "公共服务" and m["status"] == "active":
            assert "行政复议" in m["remedies"] and "六十日" in m["remedies"], m["name"]
            assert "起诉" in m["remedies"] or "行政诉讼" in m["remedies"], m["name"]


# ------------------------------------------------------------------ negative schema tests


def _one_matter(catalogue: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    doc = copy.deepcopy(catalogue)
    matter = next(m for m in doc["matters"] if m["name"] == name)
    doc["matters"] = [matter]
    return doc, matter


def test_schema_rejects_material_without_form(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    doc, matter = _one_matter(catalogue, "最低生活保障申请")
    del matter["materials"][0]["form"]
    assert _errors(validator, doc)


def test_schema_rejects_conditional_without_condition(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    doc, matter = _one_matter(catalogue, "最低生活保障申请")
    conditional = next(x for x in matter["materials"] if x["requirement"] == "conditional")
    del conditional["condition"]
    assert _errors(validator, doc)


def test_schema_rejects_required_with_condition(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    doc, matter = _one_matter(catalogue, "最低生活保障申请")
    required = next(x for x in matter["materials"] if x["requirement"] == "required")
    required["condition"] = {"text": "委托他人办理的提供", "when": "agent"}
    assert _errors(validator, doc)


def test_schema_rejects_unknown_kind(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    doc, matter = _one_matter(catalogue, "个体工商户设立登记")
    matter["kind"] = "行政征收"
    assert _errors(validator, doc)


def test_schema_rejects_unknown_property(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    doc, matter = _one_matter(catalogue, "个体工商户设立登记")
    matter["materials"][0]["colour"] = "红色"
    assert _errors(validator, doc)


def test_schema_rejects_every_core_material_deferrable(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    doc, matter = _one_matter(catalogue, "残疾人证新办")
    for x in matter["materials"]:
        if x["core"]:
            x["deferrable"] = True
    assert _errors(validator, doc)


def test_schema_rejects_immediate_with_promised_days(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    doc, matter = _one_matter(catalogue, "生育登记")
    matter["promised_limit"] = {"days": 5, "unit": "working"}
    assert _errors(validator, doc)


def test_schema_rejects_bad_code_and_bad_material_id(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    doc, matter = _one_matter(catalogue, "生育登记")
    matter["code"] = "abc"
    assert _errors(validator, doc)
    doc, matter = _one_matter(catalogue, "生育登记")
    matter["materials"][0]["id"] = "Has Space"
    assert _errors(validator, doc)


def test_schema_rejects_zero_visit_with_visits(
    validator: jsonschema.Draft202012Validator, catalogue: dict[str, Any]
) -> None:
    doc, matter = _one_matter(catalogue, "生育登记")
    matter["visits"] = 1
    assert matter["flags"]["zero_visit"] is True
    assert _errors(validator, doc)
