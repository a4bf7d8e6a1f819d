"""One version: clerk_app/__init__.py feeds the package metadata, --version, build.sh and Windows."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from clerk_app import __version__

REPO = Path(__file__).resolve().parents[2]


def test_installed_metadata_reads_the_package_version() -> None:
    assert metadata.version("clerk") == __version__


def test_command_line_prints_it() -> None:
    done = subprocess.run([sys.executable, str(REPO / "main.py"), "--version"],
                          capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == f"Clerk {__version__}"


def test_build_script_and_installer_take_it_from_the_package() -> None:
    build = (REPO / "packaging" / "build.sh").read_text(encoding="utf-8")
    assert "clerk_app/__init__.py" in build
    done = subprocess.run(["sed", "-n", r's/^__version__ = "\(.*\)"$/\1/p',
                           str(REPO / "clerk_app" / "__init__.py")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == __version__
    nsis = (REPO / "packaging" / "clerk.nsi").read_text(encoding="utf-8")
    assert '!error "pass -DVERSION=' in nsis  # no default version to drift


def _windows_version() -> Any:
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import windows_version
    finally:
        sys.path.remove(str(REPO / "packaging"))
    return windows_version


def test_windows_version_numbers() -> None:
    windows_version = _windows_version()
    assert windows_version.version_tuple("0.2.0rc1") == (0, 2, 0, 0)
    assert windows_version.version_tuple("1.10.3.7") == (1, 10, 3, 7)
    assert len(windows_version.version_tuple(__version__)) == 4


@pytest.mark.skipif(sys.platform != "win32", reason="PyInstaller's versioninfo needs pywin32")
def test_windows_version_resource() -> None:
    windows_version = _windows_version()
    resource = str(windows_version.version_info(__version__))
    assert f"filevers={windows_version.version_tuple(__version__)}" in resource
    assert f"StringStruct('ProductVersion', '{__version__}')" in resource
