"""The wording of every notice, read from resources/notices/notices.json (通知书文字配置).

A county edits that one file; this module checks it and turns it into typed blocks. Every
problem is reported in Chinese with the place in the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from clerk_app.documents.notice_data import MaterialStatus, NoticeKind
from clerk_app.documents.styles import Layout
from clerk_app.documents.text import placeholders
from clerk_app.i18n import _

WORDING_FILE = Path(__file__).resolve().parents[2] / "resources" / "notices" / "notices.json"
FORMAT = "clerk-notices/1"

# Placeholders a text may use; values come from context.notice_values.
KNOWN_PLACEHOLDERS = frozenset(
    [
        "centre",
        "centre_address",
        "centre_phone",
        "centre_hours",
        "window",
        "window_place",
        "matter_request",
        "handling_body",
        "application_no",
        "serial_no",
        "matter",
        "matter_code",
        "addressee",
        "applicant_name",
        "applicant_id_label",
        "applicant_id",
        "applicant_phone",
        "applicant_address",
        "person_name",
        "contact_name",
        "contact_id_label",
        "contact_id",
        "contact_phone",
        "agent_name",
        "agent_id_label",
        "agent_id",
        "agent_phone",
        "unit_name",
        "uscc",
        "legal_representative",
        "received_on",
        "accepted_on",
        "issued_on",
        "due_date",
        "due_provisional",
        "promised_days",
        "promised_unit",
        "correction_due",
        "delivery",
        "result",
        "reason",
        "basis",
        "redirect_body",
        "review_body",
        "court",
        "review_period",
        "litigation_period",
        "recheck_body",
        "consult_phone",
        "check_code",
        "progress_address",
        "complaint_phone",
        "clerk",
        "handover_documents",
        "handover_recipient",
        "handover_place",
        "handover_method",
        "handover_servers",
        "handover_note",
        "reprint_at",
        "copy",
        "ordinal",
        "page",
    ]
)
MATERIAL_COLUMNS = frozenset(
    [
        "index",
        "name",
        "form",
        "copies_required",
        "copies_received",
        "form_copies",
        "status",
        "requirement",
        "promised_date",
    ]
)
COMMITMENT_COLUMNS = frozenset({"index", "condition", "material_replaced"})
PARAGRAPH_STYLES = frozenset({"body", "first", "heading", "note", "right"})


class WordingError(ValueError):
    """The wording file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"
    when: str = ""
    unless: str = ""


@dataclass(frozen=True)
class FactRow:
    label: str
    value: str
    when: str = ""
    blank_height: float = 0.0  # mm left for handwriting; the value sits bottom right
    wide: bool = False  # takes a whole line when the table has two pairs per line
    unless: str = ""  # printed only when this placeholder is empty


@dataclass(frozen=True)
class Facts:
    rows: tuple[FactRow, ...]
    pairs_per_line: int = 1


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: float


@dataclass(frozen=True)
class MaterialsTable:
    statuses: frozenset[MaterialStatus]
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class CommitmentsTable:
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Closing:
    issuer: str
    date: str


@dataclass(frozen=True)
class SignatureLine:
    label: str
    value: str = ""
    date: bool = False
    when: str = ""


@dataclass(frozen=True)
class Signatures:
    lines: tuple[SignatureLine, ...]


@dataclass(frozen=True)
class Spacer:
    height: float  # mm


Block = Paragraph | Facts | MaterialsTable | CommitmentsTable | Closing | Signatures | Spacer


@dataclass(frozen=True)
class Page:
    title: str
    serial: bool
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class CopyRule:
    mask_ids: bool


@dataclass(frozen=True)
class Common:
    copy_label: str
    barcode_caption: str
    qr_caption: str
    reprint_mark: str
    reprint_time: str
    page_number: str
    footer: str
    empty_table: str
    copies: Mapping[str, CopyRule]
    status_labels: Mapping[MaterialStatus, str]
    footer_qr: str = ""  # appended to the footer only when a QR code is printed
    qr_code: str = ""  # the 查询码 beside the QR code
    qr_typed: str = ""  # the address for people who type, beside the QR code
    qr_typed_2: str = ""


@dataclass(frozen=True)
class Wording:
    layout: Layout
    common: Common
    kinds: Mapping[NoticeKind, tuple[Page, ...]]

    def copy_rule(self, label: str) -> CopyRule:
        """Masking rule for a copy; copies the file does not name are masked."""
        return self.common.copies.get(label, CopyRule(mask_ids=True))


class _Reader:
    """Pulls typed values out of the parsed JSON, naming the place of any problem."""

    def __init__(self, where: str, node: Any) -> None:
        self.where = where
        self.node = node

    def fail(self, problem: str) -> WordingError:
        return WordingError(
            _("通知书文字配置有误（{where}）：{problem}").format(where=self.where, problem=problem)
        )

    def obj(self) -> dict[str, Any]:
        if not isinstance(self.node, dict):
            raise self.fail(_("应为对象"))
        return self.node

    def child(self, key: str, default: Any = ...) -> _Reader:
        node = self.obj()
        if key not in node:
            if default is ...:
                raise self.fail(_("缺少“{key}”").format(key=key))
            return _Reader(f"{self.where}.{key}", default)
        return _Reader(f"{self.where}.{key}", node[key])

    def items(self) -> list[_Reader]:
        if not isinstance(self.node, list):
            raise self.fail(_("应为列表"))
        return [_Reader(f"{self.where}[{i}]", item) for i, item in enumerate(self.node)]

    def text(self, key: str, default: Any = ...) -> str:
        node = self.child(key, default)
        if not isinstance(node.node, str):
            raise node.fail(_("应为文字"))
        unknown = placeholders(node.node) - KNOWN_PLACEHOLDERS
        if unknown:
            raise node.fail(_("未知的占位符：{names}").format(names="、".join(sorted(unknown))))
        return node.node

    def key_name(self, key: str) -> str:
        value = self.text(key, "")
        if value and value not in KNOWN_PLACEHOLDERS:
            raise self.child(key).fail(_("未知的条件名“{name}”").format(name=value))
        return value

    def number(self, key: str, default: Any = ...) -> float:
        node = self.child(key, default)
        if isinstance(node.node, bool) or not isinstance(node.node, int | float):
            raise node.fail(_("应为数字"))
        if node.node < 0:
            raise node.fail(_("不能为负数"))
        return float(node.node)

    def flag(self, key: str, default: Any = ...) -> bool:
        node = self.child(key, default)
        if not isinstance(node.node, bool):
            raise node.fail(_("应为 true 或 false"))
        return node.node


def _columns(reader: _Reader, allowed: frozenset[str]) -> tuple[Column, ...]:
    columns = []
    for item in reader.child("columns").items():
        key = item.text("key")
        if key not in allowed:
            raise item.fail(_("未知的列“{key}”").format(key=key))
        columns.append(Column(key, item.text("label"), item.number("width", 1) or 1.0))
    if not columns:
        raise reader.fail(_("表格至少要有一列"))
    return tuple(columns)


def _block(reader: _Reader, shared: dict[str, Any]) -> Block:
    node = reader.obj()
    if "use" in node:
        name = reader.text("use")
        if name not in shared:
            raise reader.fail(_("未定义的共用段落“{name}”").format(name=name))
        return _block(_Reader(f"shared_blocks.{name}", shared[name]), {})
    kind = reader.text("type")
    if kind == "paragraph":
        style = reader.text("style", "body")
        if style not in PARAGRAPH_STYLES:
            raise reader.fail(_("未知的段落样式“{style}”").format(style=style))
        return Paragraph(
            reader.text("text"), style, reader.key_name("when"), reader.key_name("unless")
        )
    if kind == "facts":
        rows = tuple(
            FactRow(
                row.text("label"),
                row.text("value"),
                row.key_name("when"),
                row.number("blank_height", 0),
                row.flag("wide", False),
                row.key_name("unless"),
            )
            for row in reader.child("rows").items()
        )
        pairs = int(reader.number("pairs_per_line", 1))
        if pairs not in (1, 2):
            raise reader.child("pairs_per_line").fail(_("应为 1 或 2"))
        return Facts(rows, pairs)
    if kind == "materials":
        statuses = []
        for item in reader.child("filter").items():
            if item.node not in {status.value for status in MaterialStatus}:
                raise item.fail(_("未知的材料状态“{status}”").format(status=item.node))
            statuses.append(MaterialStatus(item.node))
        return MaterialsTable(frozenset(statuses), _columns(reader, MATERIAL_COLUMNS))
    if kind == "commitments":
        return CommitmentsTable(_columns(reader, COMMITMENT_COLUMNS))
    if kind == "closing":
        return Closing(reader.text("issuer"), reader.text("date"))
    if kind == "signatures":
        lines = tuple(
            SignatureLine(
                line.text("label"),
                line.text("value", ""),
                line.flag("date", False),
                line.key_name("when"),
            )
            for line in reader.child("lines").items()
        )
        return Signatures(lines)
    if kind == "spacer":
        return Spacer(reader.number("height"))
    raise reader.fail(_("未知的段落类型“{kind}”").format(kind=kind))


def parse_wording(document: Any) -> Wording:
    """Check a parsed wording document and return it typed."""
    root = _Reader("notices.json", document)
    if root.text("format") != FORMAT:
        raise root.child("format").fail(_("应为“{format}”").format(format=FORMAT))
    lay = root.child("layout", {})
    date_style = lay.text("date_style", "chinese")
    table_date_style = lay.text("table_date_style", "arabic")
    for key, value in (("date_style", date_style), ("table_date_style", table_date_style)):
        if value not in ("chinese", "arabic"):
            raise lay.child(key).fail(_("应为 chinese 或 arabic"))
    layout = Layout(
        title_size=lay.number("title_size", 22) or 22,
        body_size=lay.number("body_size", 14) or 14,
        small_size=lay.number("small_size", 10.5) or 10.5,
        leading_ratio=lay.number("leading_ratio", 1.6) or 1.6,
        date_style=date_style,
        table_date_style=table_date_style,
    )
    com = root.child("common")
    copies = {
        label: CopyRule(_Reader(f"common.copies.{label}", rule).flag("mask_ids"))
        for label, rule in com.child("copies").obj().items()
    }
    labels = com.child("status_labels")
    common = Common(
        copy_label=com.text("copy_label"),
        barcode_caption=com.text("barcode_caption"),
        qr_caption=com.text("qr_caption"),
        reprint_mark=com.text("reprint_mark"),
        reprint_time=com.text("reprint_time"),
        page_number=com.text("page_number"),
        footer=com.text("footer", ""),
        empty_table=com.text("empty_table"),
        copies=copies,
        status_labels={status: labels.text(status.value) for status in MaterialStatus},
        footer_qr=com.text("footer_qr", ""),
        qr_code=com.text("qr_code", ""),
        qr_typed=com.text("qr_typed", ""),
        qr_typed_2=com.text("qr_typed_2", ""),
    )
    shared = root.child("shared_blocks", {}).obj()
    kinds_node = root.child("kinds")
    kinds: dict[NoticeKind, tuple[Page, ...]] = {}
    for kind in NoticeKind:
        pages = []
        for page in kinds_node.child(kind.value).child("pages").items():
            blocks = tuple(_block(block, shared) for block in page.child("blocks").items())
            pages.append(Page(page.text("title"), page.flag("serial", True), blocks))
        if not pages:
            raise kinds_node.child(kind.value).fail(_("至少要有一页"))
        kinds[kind] = tuple(pages)
    return Wording(layout, common, kinds)


@lru_cache(maxsize=4)
def load_wording(path: Path = WORDING_FILE) -> Wording:
    """Read and check the wording file once per path (call `load_wording.cache_clear()` to
    pick up an edited file)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WordingError(
            _("无法读取通知书文字配置 {path}：{error}").format(path=path, error=exc)
        ) from exc
    except ValueError as exc:
        raise WordingError(
            _("通知书文字配置 {path} 不是有效的 JSON：{error}").format(path=path, error=exc)
        ) from exc
    return parse_wording(document)
