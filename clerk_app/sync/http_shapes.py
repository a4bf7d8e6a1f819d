"""JSON shapes of the Clerk Sync API v1 answers, checked before any value is trusted.

These mirror the response schemas of `resources/openapi/clerk-sync-v1.yaml` (a contract
test keeps them in step). Unknown extra fields are allowed, so a newer platform can add
some without breaking older stations.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

Schema = dict[str, Any]
"""A JSON Schema (draft 2020-12) as a dict."""

_STRING: Schema = {"type": "string"}
_CURSOR: Schema = {"type": "string", "pattern": "^[0-9]{1,18}$"}
_DAY_ENTRY: Schema = {
    "type": "object",
    "required": ["date", "name"],
    "properties": {"date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, "name": _STRING},
}

ERROR: Schema = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": _STRING, "message": _STRING},
}

SERVER_TIME: Schema = {
    "type": "object",
    "required": ["server_time"],
    "properties": {"server_time": _STRING, "epoch_ms": {"type": "integer"}},
}

PROGRESS_ADDRESS: Schema = {
    "type": "object",
    "required": ["url", "secret"],
    "properties": {"url": _STRING, "secret": {"type": "string", "minLength": 22}},
}

REGISTRATION: Schema = {
    "type": "object",
    "required": ["station", "token", "centre"],
    "properties": {
        "station": _STRING,
        "token": {"type": "string", "minLength": 16},
        "centre": _STRING,
        "name": _STRING,
        "progress": PROGRESS_ADDRESS,
        "sync_file_key": _STRING,
    },
}

PUSH_RESULT: Schema = {
    "type": "object",
    "required": ["results"],
    "properties": {
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "status"],
                "properties": {
                    "id": {"type": ["string", "null"]},
                    "status": {"enum": ["applied", "duplicate", "rejected"]},
                    "reason": _STRING,
                    "message": _STRING,
                },
            },
        }
    },
}

HELD_EVENTS: Schema = {
    "type": "object",
    "required": ["held"],
    "properties": {"held": {"type": "array", "items": _STRING}},
}

CATALOGUE_DELTA: Schema = {
    "type": "object",
    "required": ["cursor", "full", "matters", "withdrawn"],
    "properties": {
        "cursor": _CURSOR,
        "full": {"type": "boolean"},
        "issuer": _STRING,
        "published_at": {"type": ["string", "null"]},
        "matters": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "version"],
                "properties": {"code": _STRING, "version": {"type": "integer", "minimum": 1}},
            },
        },
        "withdrawn": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "version", "reason"],
                "properties": {
                    "code": _STRING,
                    "version": {"type": "integer"},
                    "reason": _STRING,
                },
            },
        },
    },
}

STATUS_CHANGES: Schema = {
    "type": "object",
    "required": ["changes", "cursor", "more"],
    "properties": {
        "cursor": _CURSOR,
        "more": {"type": "boolean"},
        "changes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["seq", "application_no", "status", "changed_at"],
                "properties": {
                    "seq": {"type": "integer", "minimum": 1},
                    "application_no": _STRING,
                    "status": {"type": "string", "pattern": "^[a-z_]{1,32}$"},
                    "note": _STRING,
                    "changed_at": _STRING,
                    "by": _STRING,
                },
            },
        },
    },
}

CALENDAR: Schema = {
    "type": "object",
    "required": ["cursor", "years"],
    "properties": {
        "cursor": _CURSOR,
        "years": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["format", "year", "holidays", "workdays"],
                "properties": {
                    "format": {"const": "clerk-calendar/1"},
                    "year": {"type": "integer", "minimum": 2000, "maximum": 2200},
                    "source": _STRING,
                    "published_at": {"type": ["string", "null"]},
                    "holidays": {"type": "array", "items": _DAY_ENTRY},
                    "workdays": {"type": "array", "items": _DAY_ENTRY},
                },
            },
        },
    },
}

CENTRE_DAY: Schema = {
    "type": "object",
    "required": ["date", "centre", "applications", "stations"],
    "properties": {
        "date": _STRING,
        "centre": _STRING,
        "applications": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "application_no", "station", "matter_code", "matter_version",
                    "outcome", "status", "confirmed_at",
                ],
                "properties": {
                    "application_no": _STRING,
                    "station": _STRING,
                    "matter_code": _STRING,
                    "matter_version": {"type": "integer"},
                    "matter_name": _STRING,
                    "outcome": _STRING,
                    "status": _STRING,
                    "confirmed_at": _STRING,
                    "due_date": {"type": ["string", "null"]},
                    "clerk": _STRING,
                    "applicant_name": _STRING,
                    "applicant_id_masked": _STRING,
                },
            },
        },
        "stations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["station"],
                "properties": {
                    "station": _STRING,
                    "name": _STRING,
                    "newest_event_at": {"type": ["string", "null"]},
                    "last_seen_at": {"type": ["string", "null"]},
                },
            },
        },
    },
}

_VALIDATORS: dict[int, Draft202012Validator] = {}


def shape_problem(schema: dict[str, Any], value: Any) -> str | None:
    """None when `value` has the shape, else a short English description of the first problem."""
    validator = _VALIDATORS.get(id(schema))
    if validator is None:
        validator = _VALIDATORS[id(schema)] = Draft202012Validator(schema)
    error = next(iter(validator.iter_errors(value)), None)
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    return f"{where}: {error.validator} check failed"
