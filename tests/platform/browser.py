"""Headless Chromium (Debian's package) driven by Playwright, at a phone's viewport.

Never ``playwright install``: the browser is ``/usr/bin/chromium`` (``apt-get install
chromium``; `bash packaging/install.sh --test` does it). Chinese text renders from the
project's bundled fonts through a private fontconfig file, so no CJK font package is needed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
"""A common phone viewport (CSS pixels)."""


def chromium_path() -> str:
    """Debian's Chromium, or skip with the line that installs it."""
    path = os.environ.get("CLERK_CHROMIUM") or shutil.which("chromium") or ""
    if not path:
        pytest.skip("chromium missing (apt-get install chromium, or bash packaging/install.sh --test)")
    return path


def _fontconfig(folder: Path) -> Path:
    """A fontconfig file adding the bundled fonts to the system's."""
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f'<dir>{REPO / "resources" / "fonts"}</dir><cachedir>{folder / "cache"}</cachedir>'
        "</fontconfig>\n", "utf-8")
    return conf


@contextmanager
def phone_browser(folder: Path) -> Iterator[Any]:
    """A headless Chromium; yields a Playwright `Browser` (open pages with `PHONE`)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(folder))}
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, env=env)
        try:
            yield browser
        finally:
            browser.close()
