"""Run poppler's command-line tools and zxing-cpp on rendered notices."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

POPPLER = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo")


def require_poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"poppler-utils missing: {', '.join(missing)} (apt-get install poppler-utils)")


def _run(args: list[str], pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            [*args, str(path)] if args[0] != "pdftotext" else [*args, str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    return done.stdout


def pdf_text(pdf: bytes) -> str:
    """All text as pdftotext extracts it in content order (table cells stay whole)."""
    return _run(["pdftotext", "-raw", "-enc", "UTF-8"], pdf)


def squeezed(text: str) -> str:
    """`text` without any whitespace, so wrapped lines compare equal to the source string."""
    return "".join(text.split()).replace("\u00a0", "")


def page_count(pdf: bytes) -> int:
    for line in _run(["pdfinfo"], pdf).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


@dataclass(frozen=True)
class FontRow:
    name: str
    type: str
    embedded: bool


def pdf_fonts(pdf: bytes) -> list[FontRow]:
    """pdffonts' table: name, type and the 'emb' column."""
    lines = _run(["pdffonts"], pdf).splitlines()
    header, rule = lines[0], lines[1]
    emb_col = header.index("emb")
    type_col = header.index("type")
    enc_col = header.index("encoding")
    rows = []
    for line in lines[2:]:
        rows.append(
            FontRow(
                name=line[:type_col].strip(),
                type=line[type_col:enc_col].strip(),
                embedded=line[emb_col : emb_col + 3].strip() == "yes",
            )
        )
    assert rule.startswith("---")
    return rows


def raster(pdf: bytes, dpi: int, page: int = 1, gray: bool = True) -> Image.Image:
    """One page as an image (greyscale unless asked), made by pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                *(["-gray"] if gray else []),
                "-png",
                str(path),
                str(Path(tmp) / "page"),
            ],
            check=True,
            timeout=120,
        )
        (png,) = Path(tmp).glob("page*.png")
        with Image.open(png) as image:
            return image.copy()


def decode(image: Image.Image) -> dict[str, str]:
    """Barcodes zxing-cpp reads in `image`, as {format name: text}."""
    import zxingcpp

    return {
        str(result.format).split(".")[-1]: result.text for result in zxingcpp.read_barcodes(image)
    }
