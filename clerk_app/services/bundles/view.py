"""One bundle as the window shows it: members (each as the application view has it), shared list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from clerk_app.domain.checklist import MaterialState
from clerk_app.domain.masking import mask_id_number
from clerk_app.i18n import _
from clerk_app.services.bundles.service import BundleService, bundle_status
from clerk_app.services.intake.application_view import ApplicationDetails, ApplicationViewService
from clerk_app.services.results.handover import ResultsError
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.permissions import Permission, allowed
from clerk_app.store.models import BundleCase

STATUS_LABELS = {"finished": _("已全部办结"), "correction": _("待补正"), "open": _("办理中")}


@dataclass(frozen=True)
class SharedLine:
    """One document of the bundle, collected once, and the members it serves."""

    name: str
    state_label: str
    copies_required: int
    copies_received: int
    members: tuple[str, ...]
    shared_from: str  # "" or the member whose result it is
    applicable: bool


@dataclass(frozen=True)
class BundleDetails:
    """Everything the bundle view shows, masked for the viewer."""

    number: str
    code: str
    name: str
    status: str  # finished / correction / open
    received_on: date
    combined_limit_days: int | None
    combined_due: date | None
    trips: int
    applicant_name: str
    applicant_document: str
    notice_serial: str
    members: tuple[ApplicationDetails, ...]
    materials: tuple[SharedLine, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def ready(self) -> tuple[ApplicationDetails, ...]:
        """Members whose result can be handed over now."""
        return tuple(m for m in self.members if m.can_hand_over)

    @property
    def waiting(self) -> tuple[ApplicationDetails, ...]:
        """Members still running (their result not ready yet)."""
        return tuple(m for m in self.members if m.status.is_open)


class BundleViewService:
    """Reads one bundle (by its number or a member's) for the view, `show` and the notice."""

    def __init__(self, ctx: ServiceContext, bundles: BundleService,
                 applications: ApplicationViewService) -> None:
        self.ctx = ctx
        self.bundles = bundles
        self.applications = applications

    def details(self, actor: Actor, number: str) -> BundleDetails:
        """The bundle of `number`; ResultsError (Chinese) when it is no bundle of this station."""
        bundle_number = self.bundles.bundle_number_of(number)
        if bundle_number is None:
            raise ResultsError([_("本站没有编号为 {n} 的一件事").format(n=number.strip())])
        full = allowed(actor, Permission.SEE_FULL_ID)
        with self.ctx.db.reading() as session:
            case = session.scalars(select(BundleCase).where(
                BundleCase.number == bundle_number)).one()
            names = {a.matter_code: a.matter_name for a in case.members}
            lines = []
            for row in case.materials:
                served = tuple(dict.fromkeys(
                    u.application_material.application.matter_name for u in row.uses))
                lines.append(SharedLine(
                    row.name, MaterialState(row.state).label, row.copies_required,
                    row.copies_received, served, names.get(row.produced_by, ""),
                    row.applicable))
            numbers = [a.number for a in case.members]
            doc = case.applicant.doc_number
            head = (case.number, case.bundle_code, case.bundle_name, bundle_status(case),
                    case.received_on, case.combined_limit_days, case.combined_due, case.trips,
                    case.applicant.name, doc if full else mask_id_number(doc),
                    case.notice_serial)
        members = tuple(self.applications.details(actor, n) for n in numbers)
        return BundleDetails(*head, members=members, materials=tuple(lines))
