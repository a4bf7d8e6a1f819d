"""A JSON snapshot of an application: for the audit trail's before/after and the outbox payload."""

from __future__ import annotations

from typing import Any

from clerk_app.store.models import Applicant, Application


def _person(row: Applicant | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"kind": row.kind, "name": row.name, "doc_type": row.doc_type,
            "doc_number": row.doc_number, "phone": row.phone, "address": row.address,
            "legal_representative": row.legal_representative}


def application_snapshot(app: Application) -> dict[str, Any]:
    """Everything the platform needs to know of an application, as plain JSON values."""
    last = app.decisions[-1] if app.decisions else None
    return {
        "number": app.number,
        "station": app.station_code,
        "window": app.window,
        "matter": {"code": app.matter_code, "version": app.matter_version,
                   "name": app.matter_name},
        "status": app.status,
        "outcome": app.outcome,
        "applicant_type": app.applicant_type,
        "applicant": _person(app.applicant),
        "contact": _person(app.contact),
        "agent": _person(app.agent),
        "clerk": app.clerk.username if app.clerk else "",
        "received_on": app.received_on.isoformat(),
        "accepted_on": app.accepted_on.isoformat() if app.accepted_on else None,
        "due_date": app.due_date.isoformat() if app.due_date else None,
        "due_provisional": app.due_provisional,
        "delivery_method": app.delivery_method,
        "visits": len(app.visits),
        "materials": [
            {"id": m.material_id, "name": m.name, "applicable": m.applicable, "state": m.state,
             "form_received": m.form_received, "copies_required": m.copies_required,
             "copies_received": m.copies_received,
             "promised_date": m.promised_date.isoformat() if m.promised_date else None,
             "note": m.note}
            for m in app.materials],
        "decision": None if last is None else {
            "outcome": last.outcome, "explanation": last.explanation,
            "problems": last.problems, "refusal_reason": last.refusal_reason,
            "refusal_basis": last.refusal_basis, "redirect_body": last.redirect_body,
            "decided_at": last.decided_at.isoformat()},
    }
