"""Bundles in the daily log and the figures: members tagged with their bundle, one line per
bundle, and the 一件事 figure — bundles finished with at most one trip.

A bundle counts in a range when any of its members does (the log's rows are the applications
received in the range). It is finished when every member is (the log's definition of
finished, a refusal at the window included: nothing is left to do for it); its trips are the
applicant's trips for the whole bundle (intake, each return, each collection).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from clerk_app.i18n import _
from clerk_app.services.station.context import ServiceContext
from clerk_app.services.supervision.reports import FINISHED_STATUSES, LogRow, masked_applicant
from clerk_app.store.models import Application, BundleCase

DONE = frozenset(FINISHED_STATUSES) | {"refused"}


@dataclass(frozen=True)
class BundleLogLine:
    """One bundle of the log, printed above its members."""

    number: str
    name: str
    received_at: datetime
    applicant: str  # masked as the log masks it
    members: int
    finished_members: int
    trips: int

    @property
    def finished(self) -> bool:
        return self.finished_members == self.members

    @property
    def status_label(self) -> str:
        if self.finished:
            return _("已全部办结")
        return _("已办结 {d}/{n}").format(d=self.finished_members, n=self.members)


@dataclass(frozen=True)
class BundleFigure:
    """一件事: bundles taken in, their members, finished ones, finished with at most one trip."""

    bundles: int
    members: int
    finished: int
    one_trip: int

    def text(self) -> str:
        if not self.finished:
            return _("{b} 件（{m} 项事项），尚无全部办结").format(b=self.bundles, m=self.members)
        return _("{b} 件（{m} 项事项）；办结 {f} 件，最多跑一次 {o} 件（{p:.0%}）").format(
            b=self.bundles, m=self.members, f=self.finished, o=self.one_trip,
            p=self.one_trip / self.finished)


def _cases(ctx: ServiceContext, numbers: Sequence[str]) -> list[BundleCase]:
    with ctx.db.reading() as session:
        ids = select(Application.bundle_id).where(Application.number.in_(numbers),
                                                  Application.bundle_id.is_not(None))
        cases = session.scalars(select(BundleCase).where(BundleCase.id.in_(ids))
                                .order_by(BundleCase.created_at, BundleCase.number)).all()
        for case in cases:  # load what the callers read before the session closes
            _ = [(a.number, a.status) for a in case.members], case.applicant.name
        return list(cases)


def tag_bundles(ctx: ServiceContext, rows: Sequence[LogRow]) -> list[LogRow]:
    """The rows with each bundle member's `bundle` set to its bundle's number."""
    with ctx.db.reading() as session:
        found = dict(session.execute(
            select(Application.number, BundleCase.number)
            .join(BundleCase, Application.bundle_id == BundleCase.id)
            .where(Application.number.in_([r.number for r in rows]))).all())
    return [replace(r, bundle=found[r.number]) if r.number in found else r for r in rows]


def bundle_lines(ctx: ServiceContext, rows: Sequence[LogRow]) -> tuple[BundleLogLine, ...]:
    """One line per bundle with members among the rows."""
    lines = []
    for case in _cases(ctx, [r.number for r in rows]):
        lines.append(BundleLogLine(
            case.number, case.bundle_name, case.created_at,
            masked_applicant(case.applicant.name, case.applicant.kind), len(case.members),
            sum(a.status in DONE for a in case.members), case.trips))
    return tuple(lines)


def bundle_figure(ctx: ServiceContext, rows: Sequence[LogRow]) -> BundleFigure:
    """The 一件事 figure over the bundles with members among the rows."""
    lines = bundle_lines(ctx, rows)
    finished = [line for line in lines if line.finished]
    return BundleFigure(len(lines), sum(line.members for line in lines), len(finished),
                        sum(line.trips <= 1 for line in finished))
