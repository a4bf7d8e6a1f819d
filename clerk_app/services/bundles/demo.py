"""Demo bundles (演示一件事): every bundle of the catalogue in every outcome mix, written through
the same checks and one-transaction writes as a bundle intake at the window.

The mixes: every member accepted; optional members ticked too; a shared document missing (its
members 一次性补正, the others accepted, those waiting for them held); one member refused with
its own reason and basis; and a correction and a refusal together.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from clerk_app.app import Services
from clerk_app.domain.bundles import Bundle, Inclusion
from clerk_app.domain.checklist import MaterialEntry, MaterialState
from clerk_app.domain.decision import Refusal, RefusalGround
from clerk_app.domain.fake_people import FakePeople
from clerk_app.services.bundles.form import BundleForm
from clerk_app.services.intake.intake_form import PersonInput
from clerk_app.services.station.context import Actor
from clerk_app.services.station.settings import load_settings

MIXES = ("all_accepted", "with_optional", "one_missing", "one_refused", "missing_and_refused")
_REFUSAL = Refusal(RefusalGround.NOT_ELIGIBLE, "申请人不符合该事项的受理条件（演示）",
                   "《中华人民共和国行政许可法》第三十二条")


def _form(services: Services, bundle: Bundle, mix: str, people: FakePeople,
          rng: random.Random) -> BundleForm:
    service = services.bundles
    form = service.start_form(bundle)
    if mix != "all_accepted":
        form = replace(form, chosen=frozenset(
            m.matter_code for m in bundle.members if m.inclusion is Inclusion.OPTIONAL))
    p = people.person()
    form = replace(form, applicant=PersonInput(p.name, "resident_id", p.resident_id, p.mobile,
                                               p.address))
    lines = [line for line in service.checklist(form).lines if not line.produced_by]
    required = [line for line in lines if line.requirement.requirement.value == "required"]
    missing = rng.choice(required).id if mix in ("one_missing", "missing_and_refused") else ""
    for line in lines:
        if line.id != missing:
            form = form.with_material(line.id, MaterialEntry(
                MaterialState.RECEIVED, line.requirement.form, line.requirement.copies))
    if mix in ("one_refused", "missing_and_refused"):
        waited = {w for m in bundle.members for w in m.waits_for}
        included = {m.matter_code for m in bundle.included(form.chosen)}
        candidates = [m.matter_code for m in bundle.members
                      if m.matter_code in included and m.matter_code not in waited]
        form = form.with_refusal(rng.choice(candidates), _REFUSAL)
    return form


def generate_bundle_demo(services: Services, clerks: list[Actor], count: int, days: int,
                         rng: random.Random, people: FakePeople) -> int:
    """Write `count` demo bundles over the last `days` days (every bundle, every mix, in
    turn); returns how many were written."""
    bundles = [b for b in services.bundles.definitions.current() if b.active]
    if not bundles or count <= 0:
        return 0
    settings = load_settings(services.ctx)
    today = services.ctx.today()
    made = 0
    plan = [(b, mix) for mix in MIXES for b in bundles]
    for index in range(count):
        bundle, mix = plan[index % len(plan)]
        day: date = today - timedelta(days=rng.randrange(max(days, 1)))
        moment = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 480))
        clerk = rng.choice(clerks)
        form = _form(services, bundle, mix, people, rng)
        checked = services.bundles.assess(form, moment.date(), statuses={})
        if not checked.can_confirm:
            continue
        with services.ctx.db.transaction() as session:
            services.bundles.write_intake(session, clerk, form, checked, moment,
                                          settings.region_code, settings.station_code)
        made += 1
    return made
