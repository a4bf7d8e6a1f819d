"""Made-up page files for attachment tests and benches: photos with EXIF/GPS, scans, bad files."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path(__file__).resolve().parents[2] / "resources" / "fonts"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in [FONT / "uming.ttc", *sorted(FONT.glob("*.ttf"))]:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            continue
    return ImageFont.load_default()


TEXT = ("最低生活保障申请书　申请人张秀英，身份证号11010519491231002X，住青石镇人民路18号。"
        "家庭成员三人，月人均收入低于当地最低生活保障标准，特此申请。")


def document_page(width: int = 2480, height: int = 3508, *, seal: bool = False,
                  noise: bool = True, text_px: int = 36, seed: int = 1) -> Image.Image:
    """An A4 page (300 dpi by default) of small print, like a photographed or scanned form."""
    rng = random.Random(seed)
    page = Image.new("RGB", (width, height), (246, 244, 238))
    draw = ImageDraw.Draw(page)
    font = _font(text_px)
    line = text_px * 3 // 2
    y = text_px * 3
    chars = max(10, (width - 2 * text_px * 2) // text_px)
    while y < height - text_px * 4:
        start = rng.randrange(len(TEXT))
        text = (TEXT * 3)[start:start + chars]
        draw.text((text_px * 2, y), text, fill=(30, 30, 35), font=font)
        y += line
    if seal:
        r = min(width, height) // 8
        cx, cy = width - r * 2, height - r * 2
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 20, 30), width=max(6, r // 12))
        draw.text((cx - r // 2, cy - text_px), "青石镇人民政府", fill=(200, 20, 30),
                  font=_font(text_px))
        draw.rectangle((0, 0, width, text_px * 2), fill=(190, 20, 25))
    if noise:
        grain = Image.effect_noise((width // 4, height // 4), 24).resize((width, height))
        page = Image.blend(page, Image.merge("RGB", (grain, grain, grain)), 0.12)
    return page


def photo_jpeg(path: Path, image: Image.Image, *, orientation: int = 1, gps: bool = True,
               quality: int = 92) -> Path:
    """Save as a phone would: JPEG with EXIF orientation, camera model and a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x0110] = "TestPhone 12"
    if gps:
        exif[0x8825] = {1: "N", 2: (30.0, 39.0, 12.5), 3: "E", 4: (104.0, 4.0, 30.25)}
    image.save(path, "JPEG", quality=quality, exif=exif.tobytes())
    return path


def bomb_png(path: Path, width: int = 30_000, height: int = 30_000) -> Path:
    """A PNG whose header claims width × height pixels (the data is tiny)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
                     + chunk(b"IEND", b""))
    return path


def pdf_bytes(pages: int = 2, password: str | None = None) -> bytes:
    """A small PDF with blank pages (encrypted when a password is given)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
