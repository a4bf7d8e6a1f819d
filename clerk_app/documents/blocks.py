"""Turn the wording file's blocks into reportlab flowables for one notice copy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle
from reportlab.platypus import Paragraph as RLParagraph

from clerk_app.documents import wording as w
from clerk_app.documents.components import IssuerBlock, seal_reader
from clerk_app.documents.fonts import is_plain, main_font, string_width, to_markup
from clerk_app.documents.notice_data import MaterialLine, NoticeData
from clerk_app.documents.styles import BLACK, FRAME_WIDTH, HEADER_FILL, Layout, Styles
from clerk_app.documents.text import chinese_date, clean_text, fill

GRID = 0.6  # points
CELL_PADDING = 4.0  # points, left and right of a table cell
SPLIT_IN_ROW = 24  # points: a row taller than a page (a 2,000-character address) may split
LONG_VALUE = 200  # characters: a fact this long gets a line of its own, never a half-width cell
SIGNATURE_VALUE_MAX = 60  # characters: a signature line holds a name, not an essay


@dataclass
class CopyContext:
    """What every block of one copy needs: data, wording, styles and placeholder values."""

    data: NoticeData
    wording: w.Wording
    layout: Layout
    styles: Styles
    values: Mapping[str, str]

    def text(self, template: str) -> str:
        """Wording with placeholders filled (values are already clean)."""
        return fill(template, self.values)

    def para(self, template: str, style_name: str) -> RLParagraph:
        return RLParagraph(to_markup(self.text(template)), getattr(self.styles, style_name))

    def cell(self, value: str, style_name: str = "cell", width: float = 0) -> str | RLParagraph:
        """A table cell printing typed `value` literally.

        Text that fits on one line of `width` in the main face is returned as a plain string,
        which the table draws without a Paragraph (much cheaper); the table's FONTNAME,
        FONTSIZE and ALIGN commands then style it.
        """
        text = clean_text(value)
        if width and is_plain(text, self.layout.small_size, width - 2 * CELL_PADDING):
            return text
        return RLParagraph(to_markup(text), getattr(self.styles, style_name))

    def label(self, template: str, style_name: str, width: float) -> str | RLParagraph:
        """A cell of fixed wording: plain string when it fits on one line."""
        return self.cell(self.text(template), style_name, width)

    def holds(self, name: str) -> bool:
        return not name or bool(self.values.get(name))


def _style(commands: list[tuple[object, ...]]) -> TableStyle:
    """A table style whose plain-string cells also use the embedded face, never Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), main_font()), *commands])


def _grid(size: float, extra: list[tuple[object, ...]] | None = None) -> TableStyle:
    commands: list[tuple[object, ...]] = [
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.45),
        ("GRID", (0, 0), (-1, -1), GRID, BLACK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),  # MIDDLE would stop rows splitting across pages
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    return _style(commands + (extra or []))


def _widths(columns: tuple[w.Column, ...]) -> list[float]:
    total = sum(column.width for column in columns)
    return [FRAME_WIDTH * column.width / total for column in columns]


def _paragraph(block: w.Paragraph, ctx: CopyContext) -> list[Flowable]:
    if not ctx.holds(block.when) or (block.unless and ctx.holds(block.unless)):
        return []
    return [ctx.para(block.text, block.style)]


def _facts(block: w.Facts, ctx: CopyContext) -> list[Flowable]:
    """Label/value rows, one or two pairs a line; each line is its own one-row table so that
    a line taller than a page can split (reportlab cannot split spanned rows)."""
    rows = [row for row in block.rows
            if ctx.holds(row.when) and not (row.unless and ctx.holds(row.unless))]
    if not rows:
        return []
    pairs = block.pairs_per_line
    label_width = max(string_width(ctx.text(row.label), ctx.layout.small_size) for row in rows)
    label_width = min(max(label_width + 10, 20 * mm), FRAME_WIDTH * 0.4 if pairs == 1 else 26 * mm)
    pair_width = FRAME_WIDTH / pairs

    def line(cells: list[object], bottom: bool = False) -> Table:
        n = len(cells) // 2
        widths = [label_width, pair_width - label_width] * (n - 1)
        widths += [label_width, FRAME_WIDTH - sum(widths) - label_width]
        extra: list[tuple[object, ...]] = []
        for col in range(0, 2 * n, 2):
            extra.append(("BACKGROUND", (col, 0), (col, 0), HEADER_FILL))
            extra.append(("ALIGN", (col, 0), (col, 0), "CENTER"))
        if bottom:
            extra.append(("VALIGN", (1, 0), (1, 0), "BOTTOM"))
        grid = _grid(ctx.layout.small_size, extra)
        return Table([cells], colWidths=widths, style=grid, splitInRow=SPLIT_IN_ROW)

    out: list[Flowable] = [Spacer(1, 2 * mm)]
    pending: list[object] = []
    for row in rows:
        value: object = ctx.para(row.value, "cell")
        if row.blank_height:
            value = [Spacer(1, row.blank_height * mm), ctx.para(row.value, "cell_right")]
        cells = [ctx.label(row.label, "cell_label", label_width), value]
        long_value = len(ctx.text(row.value)) > LONG_VALUE  # a half-width cell taller than a page
        if pairs == 1 or row.wide or row.blank_height or long_value:
            if pending:
                out.append(line(pending))
                pending = []
            out.append(line(cells, bottom=bool(row.blank_height)))
        elif pending:
            out.append(line([*pending, *cells]))
            pending = []
        else:
            pending = cells
    if pending:
        out.append(line(pending))
    return [*out, Spacer(1, 2 * mm)]


def _material_cell(key: str, index: int, line: MaterialLine, ctx: CopyContext) -> str:
    labels = ctx.wording.common.status_labels
    copies = f"{line.copies_required}份" if line.copies_required else ""
    cells: dict[str, Callable[[], str]] = {
        "index": lambda: str(index),
        "name": lambda: line.name,
        "form": lambda: line.form,
        "copies_required": lambda: str(line.copies_required),
        "copies_received": lambda: str(line.copies_received),
        "form_copies": lambda: f"{line.form} {copies}".strip(),
        "status": lambda: line.state_label or labels[line.status],
        "requirement": lambda: line.requirement,
        "promised_date": lambda: (
            chinese_date(line.promised_date, ctx.layout.table_date_style)
            if line.promised_date
            else ""
        ),
    }
    return cells[key]()


_CENTRED = frozenset({"index", "copies_required", "copies_received", "status", "promised_date"})


def _table(
    columns: tuple[w.Column, ...],
    rows: list[list[tuple[str, bool]]],
    ctx: CopyContext,
) -> list[Flowable]:
    """A bordered table with a header; `rows` hold (text, centred) per cell."""
    widths = _widths(columns)
    header: list[object] = [
        ctx.label(column.label, "cell_head", width)
        for column, width in zip(columns, widths, strict=True)
    ]
    extra: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
    ]
    body: list[list[object]] = []
    for r, row in enumerate(rows, start=1):
        cells: list[object] = []
        for c, ((text, centred), width) in enumerate(zip(row, widths, strict=True)):
            cells.append(ctx.cell(text, "cell_center" if centred else "cell", width))
            if centred:
                extra.append(("ALIGN", (c, r), (c, r), "CENTER"))
        body.append(cells)
    if not body:
        body = [[ctx.label(ctx.wording.common.empty_table, "cell_center", FRAME_WIDTH)]]
        body[0] += ["" for _ in columns[1:]]
        extra += [("SPAN", (0, 1), (-1, 1)), ("ALIGN", (0, 1), (-1, 1), "CENTER")]
    table = Table(
        [header, *body],
        colWidths=widths,
        repeatRows=1,
        style=_grid(ctx.layout.small_size, extra),
        splitInRow=SPLIT_IN_ROW,
    )
    return [Spacer(1, 2 * mm), table, Spacer(1, 3 * mm)]


def _materials(block: w.MaterialsTable, ctx: CopyContext) -> list[Flowable]:
    lines = [line for line in ctx.data.materials if line.status in block.statuses]
    rows = [
        [
            (_material_cell(column.key, i, line, ctx), column.key in _CENTRED)
            for column in block.columns
        ]
        for i, line in enumerate(lines, start=1)
    ]
    return _table(block.columns, rows, ctx)


def _commitments(block: w.CommitmentsTable, ctx: CopyContext) -> list[Flowable]:
    rows = []
    for i, item in enumerate(ctx.data.commitments, start=1):
        cells = {
            "index": str(i),
            "condition": item.condition,
            "material_replaced": item.material_replaced,
        }
        rows.append([(cells[column.key], column.key == "index") for column in block.columns])
    return _table(block.columns, rows, ctx)


def _issuer(block: w.Closing, ctx: CopyContext) -> IssuerBlock:
    return IssuerBlock(
        ctx.text(block.issuer),
        ctx.text(block.date),
        ctx.layout.body_size,
        seal_reader(ctx.data.centre.seal_image),
    )


DATE_BLANK = "　　　年　　月　　日"


def _signature_table(block: w.Signatures, ctx: CopyContext, width: float) -> Table | None:
    """Signature lines in `width`; the date goes under the line when the width is narrow."""
    size = ctx.layout.body_size
    lines = [line for line in block.lines if ctx.holds(line.when)]
    if not lines:
        return None
    padding = 4.0
    label_width = max(string_width(ctx.text(line.label), size) for line in lines) + padding
    date_width = string_width(DATE_BLANK, size) + padding
    stacked = width - label_width - date_width < 30 * mm
    label_width = min(label_width, width - 25 * mm)
    rows: list[list[object]] = []
    underlined: list[int] = []
    spans: list[int] = []
    for line in lines:
        underlined.append(len(rows))
        value_text = ctx.text(line.value)
        if len(value_text) > SIGNATURE_VALUE_MAX:
            value_text = value_text[: SIGNATURE_VALUE_MAX - 1] + "…"
        label = ctx.para(line.label, "first")
        value = RLParagraph(to_markup(value_text), ctx.styles.first)
        if stacked:
            rows.append([label, value])
            if line.date:
                spans.append(len(rows))
                rows.append([ctx.para(DATE_BLANK, "right"), ""])
        else:
            rows.append([label, value, ctx.para(DATE_BLANK if line.date else "", "first")])
    widths = (
        [label_width, width - label_width]
        if stacked
        else [label_width, width - label_width - date_width, date_width]
    )
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), size * 0.7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    commands += [("LINEBELOW", (1, row), (1, row), GRID, BLACK) for row in underlined]
    commands += [("SPAN", (0, row), (-1, row)) for row in spans]
    return Table(rows, colWidths=widths, style=_style(commands))


def _signatures(block: w.Signatures, ctx: CopyContext) -> list[Flowable]:
    table = _signature_table(block, ctx, FRAME_WIDTH)
    return [] if table is None else [KeepTogether([Spacer(1, 2 * mm), table])]


SIGNATURE_SHARE = 0.54  # of the type area's width, left of the issuer and seal


def closing_with_signatures(
    closing: w.Closing, signatures: w.Signatures, ctx: CopyContext
) -> list[Flowable]:
    """Signature lines on the left, issuer, date and seal on the right, side by side."""
    left = FRAME_WIDTH * SIGNATURE_SHARE
    table = _signature_table(signatures, ctx, left - 4 * mm)
    if table is None:
        return [Spacer(1, 2 * mm), _issuer(closing, ctx)]
    style = _style(
        [
            ("VALIGN", (0, 0), (0, 0), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    row = Table([[table, _issuer(closing, ctx)]], colWidths=[left, FRAME_WIDTH - left], style=style)
    return [Spacer(1, 2 * mm), row]


def build_blocks(blocks: tuple[w.Block, ...], ctx: CopyContext) -> list[Flowable]:
    """Flowables for a page's blocks; a closing next to signature lines shares their row."""
    out: list[Flowable] = []
    i = 0
    while i < len(blocks):
        block, after = blocks[i], blocks[i + 1] if i + 1 < len(blocks) else None
        pair = (block, after) if isinstance(after, w.Signatures) else (after, block)
        if isinstance(pair[0], w.Closing) and isinstance(pair[1], w.Signatures):
            # Signatures never stand alone on a page: the paragraph before goes with them.
            held = [out.pop()] if out and isinstance(out[-1], RLParagraph) else []
            out.append(KeepTogether(held + closing_with_signatures(pair[0], pair[1], ctx)))
            i += 2
        else:
            out += build_block(block, ctx)
            i += 1
    return out


def build_block(block: w.Block, ctx: CopyContext) -> list[Flowable]:
    """Flowables for one block of the wording file (none when its condition is not met)."""
    if isinstance(block, w.Paragraph):
        return _paragraph(block, ctx)
    if isinstance(block, w.Facts):
        return _facts(block, ctx)
    if isinstance(block, w.MaterialsTable):
        return _materials(block, ctx)
    if isinstance(block, w.CommitmentsTable):
        return _commitments(block, ctx)
    if isinstance(block, w.Closing):
        return [Spacer(1, 2 * mm), _issuer(block, ctx)]
    if isinstance(block, w.Signatures):
        return _signatures(block, ctx)
    return [Spacer(1, block.height * mm)]
