"""Whether a Clerk window holds a data directory, read without Qt (for `restore`).

The window takes `clerk.lock` with QLockFile (clerk_app/ui/single_instance.py), whose first
line is the holder's process id; a lock whose process is gone (killed) does not count.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

LOCK_NAME = "clerk.lock"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def window_holding(data_dir: Path) -> int | None:
    """The process id of a running window on `data_dir` (None when there is none)."""
    try:
        lines = (data_dir / LOCK_NAME).read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    if not lines or not lines[0].strip().isdigit():
        return None
    pid = int(lines[0])
    host = lines[2].strip() if len(lines) > 2 else ""
    if host and host != socket.gethostname():
        return None  # a lock from another machine (a data folder on a share): not ours to judge
    return pid if pid != os.getpid() and _alive(pid) else None
