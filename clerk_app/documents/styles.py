"""Page geometry and paragraph styles for notices (GB/T 9704 manner: A4, 156 x 225 mm type area)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from clerk_app.documents import rl_setup
from clerk_app.documents.fonts import main_font

rl_setup.apply()

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * mm  # 天头
MARGIN_LEFT = 28 * mm  # 订口
MARGIN_RIGHT = 26 * mm
MARGIN_BOTTOM = 35 * mm
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 225 mm

BLACK = HexColor("#000000")
SEAL_RED = HexColor("#D0021B")
GUIDE_GREY = HexColor("#9A9A9A")
HEADER_FILL = HexColor("#EFEFEF")


@dataclass(frozen=True)
class Layout:
    """Font sizes (points) from the wording file's ``layout`` section."""

    title_size: float = 22.0  # 二号
    body_size: float = 14.0  # 四号
    small_size: float = 10.5  # 五号
    leading_ratio: float = 1.6
    date_style: str = "chinese"
    table_date_style: str = "arabic"  # dates inside table cells, where width is scarce


@dataclass(frozen=True)
class Styles:
    """The paragraph styles one layout needs."""

    body: ParagraphStyle
    first: ParagraphStyle
    heading: ParagraphStyle
    note: ParagraphStyle
    right: ParagraphStyle
    serial: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_head: ParagraphStyle
    cell_label: ParagraphStyle
    cell_right: ParagraphStyle


@lru_cache(maxsize=8)
def styles_for(layout: Layout) -> Styles:
    """Paragraph styles for `layout`, built once."""
    font = main_font()
    body_leading = layout.body_size * layout.leading_ratio
    small_leading = layout.small_size * 1.45

    def style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw
        )

    body = style(
        "body",
        layout.body_size,
        body_leading,
        firstLineIndent=2 * layout.body_size,
        alignment=TA_JUSTIFY,
    )
    return Styles(
        body=body,
        first=style("first", layout.body_size, body_leading, alignment=TA_LEFT),
        heading=style(
            "heading", layout.body_size, body_leading, spaceBefore=layout.body_size * 0.4
        ),
        note=style(
            "note",
            layout.small_size,
            small_leading,
            firstLineIndent=2 * layout.small_size,
            alignment=TA_JUSTIFY,
        ),
        right=style("right", layout.body_size, body_leading, alignment=TA_RIGHT),
        serial=style("serial", layout.body_size, body_leading, alignment=TA_CENTER),
        cell=style("cell", layout.small_size, small_leading),
        cell_center=style("cell_center", layout.small_size, small_leading, alignment=TA_CENTER),
        cell_head=style("cell_head", layout.small_size, small_leading, alignment=TA_CENTER),
        cell_label=style("cell_label", layout.small_size, small_leading, alignment=TA_CENTER),
        cell_right=style("cell_right", layout.small_size, small_leading, alignment=TA_RIGHT),
    )
