"""The bundled Chinese fonts: registered at start so Chinese renders without system fonts.

resources/fonts/ ships Droid Sans Fallback (Apache-2.0; sans-serif, the UI face), AR PL UMing
(Arphic Public Licence; a Ming face with wide coverage) and HanaMinB (Hanazono; CJK Extension
B and beyond, e.g. 𠈌 U+2020C); their licences are in resources/fonts/licenses/.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
# In order of preference for text the system font cannot show.
BUNDLED_FONT_FILES = ("DroidSansFallbackFull.ttf", "uming.ttc", "HanaMinB.ttf")
MIN_POINT_SIZE = 10.0


def register_bundled_fonts(font_dir: Path = FONT_DIR) -> list[str]:
    """Register the bundled fonts with Qt; return their family names, preferred first."""
    families: list[str] = []
    for name in BUNDLED_FONT_FILES:
        path = font_dir / name
        if not path.exists():
            log.warning("bundled font missing: %s", name)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("bundled font not loadable: %s", name)
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            # uming.ttc holds CN/HK/TW variants: keep the simplified-Chinese one first.
            if family not in families and not family.endswith(("TW MBE", "HK", "TW")):
                families.append(family)
    return families


def apply_app_font(app: QApplication, bundled: list[str]) -> QFont:
    """The system UI font for what it covers, falling back to the bundled faces for the rest."""
    font = QFont(app.font())
    system_family = QFontInfo(font).family()
    families = [system_family] + [f for f in bundled if f != system_family]
    font.setFamilies(families)
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
    app.setFont(font)
    return font


def install_fonts(app: QApplication) -> QFont:
    """Register the bundled fonts and make them the application's fallback faces."""
    return apply_app_font(app, register_bundled_fonts())
