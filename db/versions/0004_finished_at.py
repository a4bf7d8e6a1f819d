"""Record when a case is finished (finished_at, backfilled) and each notice kind's serial; issue 10.

`applications.finished_at`: the moment the case first reached a finished status. Backfilled
from what is known for sure: a 即办 case finished when it was decided; any other case when the
first audit entry carrying a finished status says so (the back office's ``changed_at`` when
recorded). A finished case with neither keeps NULL: its day is unknown, never estimated.

`decisions.notice_serials`: the serial (文号) of each kind of document printed for a decision
other than its own notice (送达回证, 材料接收凭证, …), each kind numbered in its own series.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FINISHED = ("completed", "denied", "returned", "handed_over", "delivered")


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def _backfill(connection: sa.engine.Connection) -> None:
    marks = ", ".join(f"'{s}'" for s in FINISHED)
    rows = connection.execute(sa.text(
        f"SELECT id, number, outcome FROM applications WHERE status IN ({marks})")).all()
    if not rows:
        return
    decided = dict(connection.execute(sa.text(
        "SELECT application_id, MIN(decided_at) FROM decisions "
        "WHERE outcome = 'done_on_spot' GROUP BY application_id")).all())
    audited: dict[str, datetime] = {}
    for number, at, after in connection.execute(sa.text(
            "SELECT entity_id, at, after FROM audit_log WHERE entity = 'application' "
            f"AND json_extract(after, '$.status') IN ({marks})")):
        data = json.loads(after) if isinstance(after, str) else (after or {})
        moment = _moment(data.get("changed_at")) or _moment(at)
        if moment is not None and (number not in audited or moment < audited[number]):
            audited[number] = moment
    for app_id, number, outcome in rows:
        moment = _moment(decided.get(app_id)) if outcome == "done_on_spot" else None
        moment = moment or audited.get(number)
        if moment is not None:
            connection.execute(sa.text(
                "UPDATE applications SET finished_at = :at WHERE id = :id"),
                {"at": moment.isoformat(sep=" "), "id": app_id})


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("finished_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("notice_serials", sa.JSON(), nullable=True))
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("notice_serials")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("finished_at")
