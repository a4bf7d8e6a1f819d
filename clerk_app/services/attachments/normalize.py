"""Normalizing a page file for weak links and the platform (Pillow, pypdf): one job, no DB.

An image gets its EXIF orientation applied and then every piece of metadata dropped (phone
photos carry GPS positions), its long side brought to at most 2,000 px and is saved as JPEG
at a quality chosen to keep small print legible; grey unless the page shows red ink (seals,
红头), where colour is kept. A PDF is kept as it is after checking that it opens, is not
encrypted and is not too large. Every refusal is an `AttachmentRefused` with a Chinese
message; nothing is written anywhere here.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

from clerk_app.i18n import _

LONG_SIDE = 2000  # px: about 240 dpi for an A4 page photographed whole
JPEG_QUALITY = 75  # chosen on a sample with 小五/六号 print: see tests/bench/bench_pages.py
MIN_JPEG_QUALITY = 50
ATTACHMENT_CAP = 2 * 1024 * 1024  # some provincial platforms refuse a larger attachment
MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_IMAGE_FILE_BYTES = 60 * 1024 * 1024
MAX_PIXELS = 120_000_000  # a 108 MP phone sensor still opens; 30,000 × 30,000 does not
RED_SHARE_FOR_COLOUR = 0.002  # share of clearly red pixels that marks a seal or a 红头
JPEG = "image/jpeg"
ORIENTATION = 0x0112  # the EXIF tag
PDF = "application/pdf"

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class AttachmentRefused(ValueError):
    """A file cannot be attached; the message says why, in Chinese."""


class ColourPolicy(StrEnum):
    """How a page's colour is kept: grey unless it has red ink (auto), always colour, always grey."""

    AUTO = "auto"
    COLOUR = "colour"
    GREY = "grey"


@dataclass(frozen=True)
class PreparedPage:
    """A page ready to store: its normalized bytes and what they are."""

    data: bytes
    media_type: str
    width: int
    height: int
    page_count: int
    colour: bool
    original_name: str
    original_size: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


def read_file(path: Path) -> bytes:
    """The file's bytes, or AttachmentRefused when it is missing, unreadable or vanishes."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_IMAGE_FILE_BYTES + 1)
    except FileNotFoundError:
        raise AttachmentRefused(_("文件「{name}」不存在或在读取时被移走了").format(
            name=path.name)) from None
    except IsADirectoryError:
        raise AttachmentRefused(_("「{name}」是文件夹，不是文件").format(name=path.name)) from None
    except PermissionError:
        raise AttachmentRefused(_("没有权限读取文件「{name}」").format(name=path.name)) from None
    except OSError:
        raise AttachmentRefused(_("文件「{name}」读取失败（可能在读取时被移走或 U 盘已拔出）")
                                .format(name=path.name)) from None
    if len(data) > MAX_IMAGE_FILE_BYTES:
        raise AttachmentRefused(_("文件「{name}」超过 {mb} MB，请先压缩或分页扫描").format(
            name=path.name, mb=MAX_IMAGE_FILE_BYTES // (1024 * 1024)))
    return data


def prepare_file(path: Path, policy: ColourPolicy = ColourPolicy.AUTO) -> PreparedPage:
    """Read and normalize one file (an image or a PDF)."""
    return prepare_bytes(read_file(path), path.name, policy)


def prepare_bytes(data: bytes, name: str,
                  policy: ColourPolicy = ColourPolicy.AUTO) -> PreparedPage:
    """Normalize a file's bytes; AttachmentRefused with the reason when it cannot be used."""
    if not data:
        raise AttachmentRefused(_("文件「{name}」是空的（0 字节）").format(name=name))
    if data[:5] == b"%PDF-":
        return _prepare_pdf(data, name)
    return _prepare_image(data, name, policy)


def _prepare_pdf(data: bytes, name: str) -> PreparedPage:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if len(data) > MAX_PDF_BYTES:
        raise AttachmentRefused(_("PDF 文件「{name}」有 {size}，超过 {mb} MB 的上限，请分册扫描")
                                .format(name=name, size=human_size(len(data)),
                                        mb=MAX_PDF_BYTES // (1024 * 1024)))
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentRefused(_("PDF 文件「{name}」已加密（设有密码），平台无法打开，"
                                      "请提供未加密的文件").format(name=name))
        count = len(reader.pages)
    except AttachmentRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise AttachmentRefused(_("PDF 文件「{name}」已损坏或不完整，无法打开").format(
            name=name)) from None
    if count < 1:
        raise AttachmentRefused(_("PDF 文件「{name}」没有页面").format(name=name))
    return PreparedPage(data, PDF, 0, 0, count, True, name, len(data))


def _prepare_image(data: bytes, name: str, policy: ColourPolicy) -> PreparedPage:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            width, height = opened.size
            if width * height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            _draft(opened)
            opened.load()
            turned = (ImageOps.exif_transpose(opened)  # upright first; EXIF is never saved
                      if opened.getexif().get(ORIENTATION, 1) != 1 else opened)
            image: Image.Image = _rgb(turned)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise AttachmentRefused(_("图片「{name}」像素过多（超过 {mp} 百万像素），可能是恶意文件，"
                                  "已拒收").format(name=name, mp=MAX_PIXELS // 1_000_000)) from None
    except UnidentifiedImageError:
        raise AttachmentRefused(_("文件「{name}」不是可识别的图片或 PDF（支持 JPEG、PNG、TIFF、"
                                  "BMP、PDF 等）").format(name=name)) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise AttachmentRefused(_("图片「{name}」不完整或已损坏（可能没有拷贝完），请重新拷贝")
                                .format(name=name)) from None
    image = _fit(image)
    colour = (policy is ColourPolicy.COLOUR
              or (policy is ColourPolicy.AUTO and red_share(image) >= RED_SHARE_FOR_COLOUR))
    if not colour:
        image = image.convert("L")
    encoded = encode_jpeg(image)
    return PreparedPage(encoded, JPEG, image.width, image.height, 1, colour, name, len(data))


def _draft(image: Image.Image) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when that still leaves the long side ≥ 2,000 px."""
    if image.format != "JPEG":
        return
    width, height = image.size
    scale = LONG_SIDE / max(width, height)
    if scale < 1:  # draft keeps at least the size asked: floor, so that 1/2 of 4000 fits 2000
        image.draft("RGB", (int(width * scale), int(height * scale)))


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda v: v / 256).convert("L")
    return image.convert("RGB")


def _fit(image: Image.Image) -> Image.Image:
    width, height = image.size
    if max(width, height) <= LONG_SIDE:
        return image
    scale = LONG_SIDE / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def red_share(image: Image.Image) -> float:
    """The share of clearly red pixels (seal ink, a red header) on a small copy of the page."""
    if image.mode == "L":
        return 0.0
    small = image.copy()
    small.thumbnail((256, 256))
    hue, sat, val = small.convert("HSV").split()
    red = ImageChops.multiply(
        ImageChops.multiply(hue.point(lambda h: 255 if h <= 10 or h >= 235 else 0),
                            sat.point(lambda s: 255 if s >= 110 else 0)),
        val.point(lambda v: 255 if v >= 90 else 0))
    total = small.width * small.height
    return red.histogram()[255] / total if total else 0.0


def encode_jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """Baseline JPEG without any metadata; quality lowered in steps to stay under the cap."""
    while True:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality,
                   subsampling=0 if image.mode == "RGB" else -1)
        data = out.getvalue()
        if len(data) <= ATTACHMENT_CAP or quality <= MIN_JPEG_QUALITY:
            return data
        quality -= 10


def human_size(size: int) -> str:
    """A byte count for people: 840 KB, 1.6 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"
