"""The bundle notice: one notice for the whole bundle, built from the members' decisions."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk_app.documents.notice_data import Remedies
from clerk_app.domain.decision import Outcome
from clerk_app.domain.masking import mask_id_number, mask_phone
from clerk_app.i18n import _
from clerk_app.services.bundles.service import BundleService
from clerk_app.services.intake.notices import centre_info
from clerk_app.services.intake.progress_link import notice_progress
from clerk_app.services.intake.serials import next_serial
from clerk_app.services.station.catalogue import CatalogueService
from clerk_app.services.station.context import Actor, ServiceContext
from clerk_app.services.station.journal import audit
from clerk_app.services.station.permissions import Permission, require
from clerk_app.services.station.settings import CentreSettings, load_settings
from clerk_app.store.models import Applicant, Application, BundleCase, User

if TYPE_CHECKING:  # the notice's module loads reportlab: on first print, not at start-up
    from clerk_app.documents.bundle_notice import BundleNoticeData, MissingLine

log = logging.getLogger(__name__)

SERIAL_KIND = "bundle"  # the bundle notices' own series of 文书编号


class BundleNoticeError(LookupError):
    """No bundle notice can be printed for this number (message in Chinese)."""


@dataclass(frozen=True)
class RenderedBundleNotice:
    number: str
    pdf: bytes
    data: BundleNoticeData


def _people(applicant: Applicant, first: Application | None, unit: bool) -> tuple[str, ...]:
    """Who acts for the applicant, as the single-matter notices name them: an organisation's
    法定代表人 and 经办人, and a 代理人 (numbers and phones masked)."""
    lines = []
    if unit and applicant.legal_representative:
        lines.append(_("法定代表人：{name}").format(name=applicant.legal_representative))
    for label, person in ((_("经办人"), first.contact if first and unit else None),
                          (_("代理人"), first.agent if first else None)):
        if person is not None:
            lines.append(_("{label}：{name}（{doc}，电话 {phone}）").format(
                label=label, name=person.name, doc=mask_id_number(person.doc_number),
                phone=mask_phone(person.phone) or "-"))
    return tuple(lines)


class BundleNoticeService:
    """Builds, renders and audits the bundle notice."""

    def __init__(self, ctx: ServiceContext, catalogue: CatalogueService,
                 bundles: BundleService) -> None:
        self.ctx = ctx
        self.catalogue = catalogue
        self.bundles = bundles

    def render(self, actor: Actor, number: str, *, reprint: bool = False) -> RenderedBundleNotice:
        """The notice of the bundle of `number` (the bundle's or a member's), audited."""
        if reprint:
            require(self.ctx, actor, Permission.REPRINT)
        bundle_number = self.bundles.bundle_number_of(number)
        if bundle_number is None:
            raise BundleNoticeError(_("本站没有编号为 {n} 的一件事").format(n=number.strip()))
        now = self.ctx.now()
        settings = load_settings(self.ctx)
        with self.ctx.db.transaction() as session:
            case = session.scalars(select(BundleCase).where(
                BundleCase.number == bundle_number)).one()
            if not reprint or not case.notice_serial:  # a reprint keeps the serial it had
                case.notice_serial = next_serial(session, settings, SERIAL_KIND, now.year)
            data = self._data(session, case, settings, reprint)
            progress = notice_progress(session, settings.qr_base_url, case.number)
            data = replace(data, progress_link=progress.progress_link,
                           progress_address=progress.progress_address,
                           check_code=progress.check_code)
            audit(session, actor, "bundle_notice_reprinted" if reprint
                  else "bundle_notice_printed", "bundle", case.number, now,
                  after={"members": [m.number for m in data.members],
                         "missing": len(data.missing), "serial": case.notice_serial})
        from clerk_app.documents.bundle_notice import render_bundle_notice

        pdf = render_bundle_notice(data)
        log.info("bundle notice rendered: members=%s", len(data.members))
        return RenderedBundleNotice(bundle_number, pdf, data)

    def _data(self, session: Session, case: BundleCase, settings: CentreSettings,
              reprint: bool) -> BundleNoticeData:
        from clerk_app.documents.bundle_notice import BundleNoticeData, MemberLine, RefusedLine

        members: list[MemberLine] = []
        refused: list[RefusedLine] = []
        problems: dict[tuple[int, str], str] = {}
        names = {a.id: a.matter_name for a in case.members}
        for app in case.members:
            decision = app.decisions[-1] if app.decisions else None
            outcome = Outcome(app.outcome) if app.outcome else None
            remark = ""
            if decision is not None and outcome is Outcome.CORRECTION:
                for p in decision.problems or []:
                    problems[(app.id, p["material_id"])] = p["required"]
                remark = (decision.explanation.split("，", 1)[-1] if not decision.problems
                          else _("补齐材料后受理"))
            elif decision is not None and outcome is Outcome.REFUSED:
                remark = _("不予受理，见下文")
                refused.append(RefusedLine(app.matter_name, decision.refusal_reason,
                                           decision.refusal_basis, decision.redirect_body,
                                           self._remedies(app)))
            elif decision is not None and "待「" in decision.explanation:
                remark = decision.explanation.split("；")[-1]
            members.append(MemberLine(app.matter_name, app.number,
                                      outcome.label if outcome else "-", app.due_date,
                                      app.due_provisional, remark))
        missing = self._missing(case, problems, names)
        clerk = session.get(User, case.clerk_id)
        first = case.members[0] if case.members else None
        unit = first is not None and first.applicant_type == "legal_person"
        return BundleNoticeData(
            centre=centre_info(settings), number=case.number, bundle_name=case.bundle_name,
            applicant_name=case.applicant.name,
            # an organisation's 统一社会信用代码 is public; a person's number is masked
            applicant_document=case.applicant.doc_number if unit
            else mask_id_number(case.applicant.doc_number),
            applicant_people=_people(case.applicant, first, unit),
            received_on=case.received_on, issued_on=self.ctx.today(), members=tuple(members),
            missing=missing, refused=tuple(refused),
            combined_limit_days=case.combined_limit_days, combined_due=case.combined_due,
            clerk_name=clerk.display_name if clerk else "", window_name=case.window,
            reprint=reprint, serial=case.notice_serial)

    @staticmethod
    def _missing(case: BundleCase, problems: dict[tuple[int, str], str],
                 names: dict[int, str]) -> tuple[MissingLine, ...]:
        """Each shared document with a problem once, with every member it blocks."""
        from clerk_app.documents.bundle_notice import MissingLine

        lines = []
        for row in case.materials:
            blocked: list[str] = []
            required = ""
            for use in row.uses:
                material = use.application_material
                key = (material.application_id, material.material_id)
                if key in problems:
                    blocked.append(names[material.application_id])
                    required = required or problems[key]
            if blocked:
                lines.append(MissingLine(row.name, required, tuple(dict.fromkeys(blocked))))
        return tuple(lines)

    def _remedies(self, app: Application) -> Remedies | None:
        try:
            remedy = self.catalogue.matter(app.matter_code, app.matter_version).remedy
        except KeyError:
            return None
        if remedy is None:
            return None
        return Remedies(review_body=remedy.review_body, court=remedy.court,
                        review_days=remedy.review_days, litigation_months=remedy.litigation_months,
                        recheck_body=remedy.recheck_body)

