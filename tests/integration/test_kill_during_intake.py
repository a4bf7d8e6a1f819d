"""kill -9 of a child process in the middle of intakes: the database stays whole and consistent."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clerk_app.app import open_services
from clerk_app.config import Config
from clerk_app.services.intake.intake_form import IntakeForm
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.settings import CentreSettings, save_settings
from clerk_app.store.models import Application, AuditEntry, Decision, Draft, OutboxEvent, Visit
from tests.factories import catalogue_doc, matter_doc

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys, itertools
from dataclasses import replace
from pathlib import Path
from clerk_app.app import open_services
from clerk_app.config import Config
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor

services = open_services(Config(data_dir=Path(sys.argv[1])), load_sample=False, log_to_file=False)
clerk = services.accounts.sign_in("zhangli", "counter2026")
person = PersonInput("张秀英", "resident_id", "11010519491231002X", "13812345678", "青石镇")
print("ready", flush=True)
for round_ in itertools.count():
    draft_id, form = services.intake.start(clerk, "510104-MZ-0001")
    for revision, name in enumerate(["张", "张秀", "张秀英"], start=1):
        form = replace(form, applicant=replace(person, name=name))
        services.intake.save_draft(draft_id, form, revision)
    for mid, kind in (("application_form", "原件"), ("id_card", "原件和复印件"), ("income", "原件")):
        form = form.with_material(mid, MaterialEntry(MaterialState.RECEIVED, kind, 1))
        services.intake.save_draft(draft_id, form, revision + 1)
        revision += 1
    services.intake.confirm(clerk, draft_id, form)
"""


def _prepare(data_dir: Path) -> None:
    services = open_services(Config(data_dir=data_dir), load_sample=False, log_to_file=False)
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    admin = services.accounts.create_first_admin("admin", "王管理", "counter2026")
    from clerk_app.services.station.permissions import Role

    services.accounts.create(admin, "zhangli", "张丽", "counter2026", Role.CLERK, "民生事务")
    services.catalogue.import_document(admin, catalogue_doc(matter_doc(code="510104-MZ-0001")))
    services.close()


@pytest.mark.slow
def test_kill_9_at_random_moments_leaves_a_consistent_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    _prepare(data_dir)
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _round in range(6):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.05, 1.5))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)

    services = open_services(Config(data_dir=data_dir), load_sample=False, log_to_file=False)
    try:
        assert services.ctx.db.integrity_ok()
        with services.ctx.db.reading() as session:
            apps = session.scalars(select(Application)).all()
            assert apps, "the child confirmed nothing before being killed"
            for app in apps:
                # confirmation is one transaction: every part of it is there, or none
                assert session.scalar(select(func.count(Decision.id)).where(
                    Decision.application_id == app.id)) == 1
                assert session.scalar(select(func.count(Visit.id)).where(
                    Visit.application_id == app.id)) == 1
                assert session.scalar(select(func.count(OutboxEvent.seq)).where(
                    OutboxEvent.application_no == app.number)) == 1
                assert session.scalar(select(func.count(AuditEntry.id)).where(
                    AuditEntry.entity_id == app.number)) == 1
                assert len(app.materials) == 5
            numbers = [a.number for a in apps]
            assert len(numbers) == len(set(numbers))
            for draft in session.scalars(select(Draft)):
                IntakeForm.from_dict(draft.data)  # every surviving draft is readable
    finally:
        services.close()
