"""Time to commit one intake (one transaction: application, materials, decision, visit, audit,
outbox) on a real SQLite file with synchronous=FULL, with the draft save and the checklist
assessment that precede it.

Run: python -m tests.bench.bench_intake
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

from clerk_app.app import Services, open_services
from clerk_app.config import Config
from clerk_app.domain.checklist import MaterialEntry, MaterialState, applies
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput
from clerk_app.services.station.context import SYSTEM_ACTOR, Actor
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings, save_settings
from tests.bench.stats import median, percentile

MATTER_NAME = "最低生活保障申请"


def _station(data_dir: Path) -> tuple[Services, Actor]:
    services = open_services(Config(data_dir=data_dir), log_to_file=False)
    save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
        centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
        first_setup=True)
    admin = services.accounts.create_first_admin("admin", "王管理", "bench2026x")
    clerk = services.accounts.create(admin, "clerk", "张丽", "bench2026x", Role.CLERK, "民生事务")
    return services, clerk


def _complete_form(services: Services, form: IntakeForm, person: PersonInput) -> IntakeForm:
    matter = services.catalogue.matter(form.matter_code)
    form = replace(form, applicant=person)
    for material in matter.materials:
        if applies(material, form.context()):
            form = form.with_material(material.id, MaterialEntry(
                MaterialState.RECEIVED, material.form, material.copies))
    return form


def main(runs: int = 40) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        services, clerk = _station(Path(tmp))
        code = next(m.code for m in services.catalogue.current_matters() if m.name == MATTER_NAME)
        people = FakePeople(11)
        confirm_times: list[float] = []
        assess_times: list[float] = []
        draft_times: list[float] = []
        for _ in range(runs):
            p = people.person()
            draft_id, form = services.intake.start(clerk, code)
            form = _complete_form(services, form, PersonInput(
                p.name, "resident_id", p.resident_id, p.mobile, p.address))
            t0 = time.perf_counter()
            services.intake.save_draft(draft_id, form, 1)
            draft_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            services.intake.assess(form)
            assess_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            services.intake.confirm(clerk, draft_id, form)
            confirm_times.append(time.perf_counter() - t0)
        services.close()

    print(f"intake on a SQLite file (WAL, synchronous=FULL), {runs} intakes of «{MATTER_NAME}»")
    for label, values in (("save draft (one keystroke)", draft_times),
                          ("assess checklist (no write)", assess_times),
                          ("confirm (one transaction)", confirm_times)):
        print(f"  {label:30} median {median(values) * 1000:7.2f} ms   "
              f"p95 {percentile(values, 95) * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
