"""Plain data a service fills for one notice (通知书数据); no database, no reportlab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path


class NoticeKind(StrEnum):
    """The notice printed for each window outcome; titles live in resources/notices."""

    ACCEPTANCE = "acceptance"  # 受理通知书
    CORRECTION = "correction"  # 一次性补正告知书
    DEFERRED_ACCEPTANCE = "deferred_acceptance"  # 容缺受理通知书 + 容缺承诺书
    COMMITMENT = "commitment"  # 告知承诺书
    REFUSAL = "refusal"  # 不予受理通知书
    ON_THE_SPOT = "on_the_spot"  # 即办件办结通知书
    MATERIAL_RECEIPT = "material_receipt"  # 材料接收凭证
    SERVICE_RECEIPT = "service_receipt"  # 送达回证


class MaterialStatus(StrEnum):
    """What happened to one material at the window (材料状态)."""

    RECEIVED = "received"  # 已收取
    MISSING = "missing"  # 缺少，需补正
    DEFECTIVE = "defective"  # 不符合要求，需补正
    DEFERRED = "deferred"  # 容缺，承诺后补
    COMMITTED = "committed"  # 以告知承诺替代
    NOT_APPLICABLE = "not_applicable"  # 本次不适用


@dataclass(frozen=True)
class CentreInfo:
    """The issuing centre (出具机构): name, contact, seal and numbering."""

    name: str
    address: str
    phone: str
    seal_image: Path | None = None
    qr_base_url: str = ""
    serial_prefix: str = ""
    hours: str = ""


@dataclass(frozen=True)
class PersonLine:
    """A natural person on a notice (申请人/经办人/代理人), or for an organisation the
    organisation itself (name, 统一社会信用代码, its own phone and 住所).

    `document_number` is what the applicant's own copy shows (full or masked, as the centre
    configures); `document_number_masked` and `phone_masked` are printed on copies others may
    see (archive, department, 送达回证).
    """

    name: str
    document_label: str
    document_number: str
    phone: str = ""
    address: str = ""
    document_number_masked: str = ""
    phone_masked: str = ""


@dataclass(frozen=True)
class LegalPerson:
    """An applying unit (申请单位): name, 统一社会信用代码 and legal representative."""

    unit_name: str
    uscc: str
    representative: str


@dataclass(frozen=True)
class MaterialLine:
    """One application material as the notice lists it (申请材料)."""

    name: str
    form: str
    copies_required: int
    copies_received: int
    status: MaterialStatus
    requirement: str = ""  # what exactly is required, or what is wrong
    promised_date: date | None = None  # 容缺: the date the applicant promises it
    state_label: str = ""  # overrides the wording file's label for `status`


@dataclass(frozen=True)
class Remedies:
    """Where and within what time to seek 行政复议 and 行政诉讼 against a refusal, and an
    optional 复核 at the deciding body first."""

    review_body: str  # 行政复议机关
    court: str  # 人民法院
    review_days: int = 60  # 行政复议法 第二十条
    litigation_months: int = 6  # 行政诉讼法 第四十六条
    recheck_body: str = ""  # 复核, when the matter offers it


@dataclass(frozen=True)
class Handover:
    """What a 送达回证 records: documents served, to whom, where and how."""

    documents: tuple[str, ...]
    recipient: str
    place: str
    method: str
    servers: str
    note: str = ""


@dataclass(frozen=True)
class CommitmentItem:
    """One condition the applicant commits to under 告知承诺, and the material it replaces."""

    condition: str
    material_replaced: str = ""


@dataclass(frozen=True)
class NoticeData:
    """Everything one notice prints; filled by services, rendered by `notices.render_notice`."""

    kind: NoticeKind
    centre: CentreInfo
    application_no: str
    serial_no: str
    matter_name: str
    matter_code: str
    applicant: PersonLine  # the natural person; for an organisation the organisation itself
    received_on: date
    issued_on: date
    agent: PersonLine | None = None
    legal_person: LegalPerson | None = None
    contact: PersonLine | None = None  # 经办人: who came to the counter for an organisation
    materials: tuple[MaterialLine, ...] = ()
    accepted_on: date | None = None
    due_date: date | None = None
    due_provisional: bool = False
    promised_days: int | None = None
    promised_natural: bool = False  # the limit is in natural days (自然日), not working days
    delivery_method: str = ""
    result_description: str = ""
    refusal_reason: str = ""
    refusal_basis: str = ""
    redirect_body: str = ""
    remedies: Remedies | None = None
    correction_due: date | None = None
    consult_phone: str = ""
    complaint_phone: str = ""
    clerk_name: str = ""
    window_name: str = ""
    handling_body: str = ""  # 承办/决定机构, when not the centre itself
    handover: Handover | None = None
    commitments: tuple[CommitmentItem, ...] = ()
    reprint_at: datetime | None = None
    progress_link: str = ""  # what the QR code carries (number and 查询码); "" without an address
    progress_address: str = ""  # the progress page address as printed for people who type
    check_code: str = ""  # 查询码, printed beside the QR code


def make_serial_no(prefix: str, year: int, number: int, width: int = 4) -> str:
    """Document serial in the 〔2026〕 style, e.g. ``某镇便受〔2026〕0012号``."""
    return f"{prefix}〔{year}〕{number:0{width}d}号"
