"""Assessment of a 6-member bundle (身后一件事, every optional member ticked) on every keystroke:
the merged checklist, each member's checklist, outcome and check, the waits-for holds and the
people on the form — what the bundle intake runs on the GUI thread (target < 5 ms).

Baseline in the same run: the same six matters assessed separately, as six single intakes
would be (IntakeService.assess, one per matter, with the same materials).

Run: python -m tests.bench.bench_bundles
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import PySide6

from clerk_app.app import open_services
from clerk_app.config import Config
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.intake.intake_form import IntakeForm, PersonInput
from clerk_app.services.station.context import SYSTEM_ACTOR
from clerk_app.services.station.permissions import Role
from clerk_app.services.station.settings import CentreSettings, save_settings
from tests.bench.stats import median, percentile

BUNDLE = "身后一件事"
STATES = (MaterialState.RECEIVED, MaterialState.MISSING, MaterialState.DEFERRED)


def main(keystrokes: int = 400) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        services = open_services(Config(data_dir=Path(tmp)), log_to_file=False)
        save_settings(services.ctx, SYSTEM_ACTOR, CentreSettings(
            centre_name="青石镇便民服务中心", region_code="510104", station_code="001"),
            first_setup=True)
        admin = services.accounts.create_first_admin("admin", "王管理", "bench2026x")
        clerk = services.accounts.create(admin, "clerk", "张丽", "bench2026x", Role.CLERK,
                                         "民生事务")
        service = services.bundles
        code = next(b.code for b in service.definitions.current() if b.name == BUNDLE)
        form = service.start(clerk, code)
        bundle = service.bundle(form)
        form = replace(form, chosen=frozenset(m.matter_code for m in bundle.members))
        p = FakePeople(13).person()
        form = replace(form, applicant=PersonInput(p.name, "resident_id", p.resident_id,
                                                   p.mobile, p.address))
        checklist = service.checklist(form)
        lines = [line for line in checklist.lines if not line.produced_by]
        for line in lines:
            form = form.with_material(line.id, MaterialEntry(
                MaterialState.RECEIVED, line.requirement.form, line.requirement.copies))
        members = len(checklist.members)
        service.assess(form, statuses={})  # warm the caches, as the open dialog has them
        bundle_times: list[float] = []
        single_times: list[float] = []
        singles = []
        for matter in checklist.members:
            single = IntakeForm(matter_code=matter.code, matter_version=matter.version,
                                applicant=form.applicant)
            for material in matter.materials:
                single = single.with_material(material.id, MaterialEntry(
                    MaterialState.RECEIVED, material.form, material.copies))
            singles.append(single)
            services.intake.assess(single)
        for n in range(keystrokes):
            line = lines[n % len(lines)]
            state = STATES[n % len(STATES)]
            entry = MaterialEntry(state, line.requirement.form, line.requirement.copies) \
                if state is MaterialState.RECEIVED else MaterialEntry(state)
            form = form.with_material(line.id, entry)
            t0 = time.perf_counter()
            service.assess(form, statuses={})
            bundle_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for single in singles:
                services.intake.assess(single)
            single_times.append(time.perf_counter() - t0)
        services.close()

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"bundle assessment per keystroke: «{BUNDLE}», {members} members, "
          f"{len(lines)} shared-list lines, {keystrokes} keystrokes")
    print(f"  python {platform.python_version()}, PySide6 {PySide6.__version__}, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for label, values in (("bundle: merged list, 6 members (target < 5 ms)", bundle_times),
                          ("baseline: the 6 matters assessed one by one", single_times)):
        print(f"  {label:48} median {median(values) * 1000:6.2f} ms   "
              f"p95 {percentile(values, 95) * 1000:6.2f} ms   "
              f"max {max(values) * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
