"""Draw Clerk's icon (a tick over a counter on a red tile) as SVG, PNG sizes and a Windows .ico.

One geometry, two renderings: the SVG for desktops that scale, Pillow rasters (drawn 8x and
reduced) for the fixed sizes. Small sizes use thicker strokes so the mark still reads at 16 px.
Usage: python packaging/icon/make_icon.py [OUT_DIR]  (default: this directory)
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

RED = "#B3261E"
WHITE = "#FFFFFF"
SIZES = (16, 24, 32, 48, 64, 128, 256)
TICK = ((70, 118), (110, 158), (186, 82))  # on a 256-unit canvas
SMALL_TICK = ((62, 100), (106, 144), (194, 58))  # <= 32 px: higher, leaving a clear gap
TILE = (8, 8, 248, 248)
TILE_RADIUS = 52


def _weights(size: int) -> tuple[float, float]:
    """Stroke width of the tick and height of the counter bar, in canvas units."""
    return (38.0, 34.0) if size <= 32 else (30.0, 26.0)


def _bar_centre(size: int) -> float:
    return 208.0 if size <= 32 else 200.0


def svg() -> str:
    tick, bar = _weights(256)
    points = " ".join(f"{x},{y}" for x, y in TICK)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>Clerk 窗口受理</title>
  <rect x="{TILE[0]}" y="{TILE[1]}" width="{TILE[2] - TILE[0]}" height="{TILE[3] - TILE[1]}" rx="{TILE_RADIUS}" fill="{RED}"/>
  <polyline points="{points}" fill="none" stroke="{WHITE}" stroke-width="{tick:g}" stroke-linecap="round" stroke-linejoin="round"/>
  <rect x="56" y="{200 - bar / 2:g}" width="144" height="{bar:g}" rx="{bar / 2:g}" fill="{WHITE}"/>
</svg>
"""


def raster(size: int) -> Image.Image:
    scale = size * 8 / 256
    tick, bar = _weights(size)
    image = Image.new("RGBA", (size * 8, size * 8), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([c * scale for c in TILE], radius=TILE_RADIUS * scale, fill=RED)
    points = [(x * scale, y * scale) for x, y in (SMALL_TICK if size <= 32 else TICK)]
    width = tick * scale
    draw.line(points, fill=WHITE, width=round(width), joint="curve")
    for x, y in (points[0], points[-1]):  # round caps
        draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill=WHITE)
    top = (_bar_centre(size) - bar / 2) * scale
    draw.rounded_rectangle([56 * scale, top, 200 * scale, top + bar * scale],
                           radius=bar * scale / 2, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    (out / "clerk.svg").write_text(svg(), encoding="utf-8")
    images = {size: raster(size) for size in SIZES}
    for size, image in images.items():
        image.save(out / f"clerk-{size}.png", optimize=True)
    largest = images[SIZES[-1]]
    largest.save(out / "clerk.ico", sizes=[(s, s) for s in SIZES],
                 append_images=[images[s] for s in SIZES[:-1]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
