"""The Windows version resource of clerk.exe / clerk-cli.exe, built from the one version string."""

from __future__ import annotations

import re
from typing import Any


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'0.2.0' -> (0, 2, 0, 0); pre-release tails ('0.2.0rc1') are dropped."""
    numbers = []
    for part in version.split(".")[:4]:
        digits = re.match(r"\d*", part)
        numbers.append(int(digits.group(0) or 0) if digits else 0)
    while len(numbers) < 4:
        numbers.append(0)
    return numbers[0], numbers[1], numbers[2], numbers[3]


def version_info(version: str) -> Any:
    """Version resource: Chinese (PRC, 0x0804) strings, Unicode code page 1200 (Windows only:
    PyInstaller's versioninfo module needs pywin32)."""
    from PyInstaller.utils.win32.versioninfo import (
        FixedFileInfo,
        StringFileInfo,
        StringStruct,
        StringTable,
        VarFileInfo,
        VarStruct,
        VSVersionInfo,
    )

    numbers = version_tuple(version)
    strings = [
        StringStruct("CompanyName", "Clerk"),
        StringStruct("FileDescription", "Clerk 窗口受理客户端"),
        StringStruct("FileVersion", version),
        StringStruct("InternalName", "clerk"),
        StringStruct("LegalCopyright", "Apache-2.0"),
        StringStruct("OriginalFilename", "clerk.exe"),
        StringStruct("ProductName", "Clerk 窗口受理"),
        StringStruct("ProductVersion", version),
    ]
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers, mask=0x3F, flags=0x0, OS=0x40004,
                          fileType=0x1, subtype=0x0, date=(0, 0)),
        kids=[StringFileInfo([StringTable("080404B0", strings)]),
              VarFileInfo([VarStruct("Translation", [0x0804, 1200])])],
    )
