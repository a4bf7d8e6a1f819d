"""Document serials (文书编号): each kind of document its own yearly series and prefix.

A 送达回证 reads 送达〔2026〕0002号, a 一次性补正告知书 补正〔2026〕0007号. The centre may set its
own prefix for each kind in 中心设置 (`CentreSettings.serial_prefixes`); the 受理通知书 keeps
the older single setting (`notice_serial_prefix`) and its counter, so earlier serials go on.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from clerk_app.documents.notice_data import NoticeKind, make_serial_no
from clerk_app.i18n import _
from clerk_app.services.station.settings import CentreSettings
from clerk_app.store.models import Decision, NumberCounter

DEFAULT_PREFIXES: dict[str, str] = {
    NoticeKind.ACCEPTANCE.value: _("受理"),
    NoticeKind.CORRECTION.value: _("补正"),
    NoticeKind.DEFERRED_ACCEPTANCE.value: _("容缺"),
    NoticeKind.COMMITMENT.value: _("承诺"),
    NoticeKind.REFUSAL.value: _("不予受理"),
    NoticeKind.ON_THE_SPOT.value: _("办结"),
    NoticeKind.MATERIAL_RECEIPT.value: _("接收"),
    NoticeKind.SERVICE_RECEIPT.value: _("送达"),
}
KIND_LABELS: dict[str, str] = {
    NoticeKind.ACCEPTANCE.value: _("受理通知书"),
    NoticeKind.CORRECTION.value: _("一次性补正告知书"),
    NoticeKind.DEFERRED_ACCEPTANCE.value: _("容缺受理通知书"),
    NoticeKind.COMMITMENT.value: _("告知承诺书"),
    NoticeKind.REFUSAL.value: _("不予受理通知书"),
    NoticeKind.ON_THE_SPOT.value: _("即办件办结通知书"),
    NoticeKind.MATERIAL_RECEIPT.value: _("材料接收凭证"),
    NoticeKind.SERVICE_RECEIPT.value: _("送达回证"),
}
# Counter keys (number_counters.day_key, 8 characters at most): S + code + year.
_CODES = {
    NoticeKind.ACCEPTANCE.value: "",  # the older single series goes on
    NoticeKind.CORRECTION.value: "C",
    NoticeKind.DEFERRED_ACCEPTANCE.value: "D",
    NoticeKind.COMMITMENT.value: "M",
    NoticeKind.REFUSAL.value: "R",
    NoticeKind.ON_THE_SPOT.value: "O",
    NoticeKind.MATERIAL_RECEIPT.value: "E",
    NoticeKind.SERVICE_RECEIPT.value: "V",
}


def serial_prefix(settings: CentreSettings, kind: str) -> str:
    """The prefix of `kind`'s serials at this centre (its setting, else the default)."""
    own = dict(settings.serial_prefixes).get(kind, "").strip()
    if own:
        return own
    if kind == NoticeKind.ACCEPTANCE.value and settings.notice_serial_prefix.strip():
        return settings.notice_serial_prefix.strip()
    return DEFAULT_PREFIXES.get(kind, "") or _("文书")


def counter_key(kind: str, year: int) -> str:
    code = _CODES.get(kind)
    if code is None:  # a kind added later: its own series all the same
        code = kind[:2].upper()
    return f"S{code}{year}"


def next_serial(session: Session, settings: CentreSettings, kind: str, year: int) -> str:
    """Take the next serial of `kind` for `year` (in the caller's transaction)."""
    key = counter_key(kind, year)
    counter = session.get(NumberCounter, key)
    if counter is None:
        counter = NumberCounter(day_key=key, last=0)
        session.add(counter)
    counter.last += 1
    return make_serial_no(serial_prefix(settings, kind), year, counter.last)


def decision_serial(session: Session, settings: CentreSettings, decision: Decision,
                    kind: str, own_kind: str) -> str:
    """The serial of `kind` for this decision, taken once: the decision's own notice keeps it
    in `notice_serial`, other documents (送达回证, …) in `notice_serials`."""
    year = decision.decided_at.year
    if kind == own_kind:
        if not decision.notice_serial:
            decision.notice_serial = next_serial(session, settings, kind, year)
        return decision.notice_serial
    serials = dict(decision.notice_serials or {})
    if not serials.get(kind):
        serials[kind] = next_serial(session, settings, kind, year)
        decision.notice_serials = serials
    return str(serials[kind])
