"""The shipped thing works: the frozen bundle runs the jobs, prints documents and starts the window.

Runs against the bundle named by CLERK_FROZEN_BUNDLE (a dist/clerk folder); `.ci/run` builds it
with `bash packaging/build.sh` after the suite and runs this module with it. Without the
variable the module is skipped (the README's test command does not freeze the app).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from clerk_app import __version__
from tests.documents.pdf_tools import decode, pdf_text, raster, require_poppler, squeezed

BUNDLE_ENV = "CLERK_FROZEN_BUNDLE"
BUNDLE = Path(os.environ.get(BUNDLE_ENV, "")) if os.environ.get(BUNDLE_ENV) else None
pytestmark = pytest.mark.skipif(
    BUNDLE is None, reason=f"{BUNDLE_ENV} not set: build with `bash packaging/build.sh` (.ci/run does)")

ADMIN, PASSWORD = "admin", "admin2026x"
CENTRE = "青石镇便民服务中心"
APPLICATIONS = 12
TODAY = date.today().isoformat()
PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def executable() -> Path:
    assert BUNDLE is not None
    name = "clerk-cli.exe" if sys.platform == "win32" else "clerk"
    path = BUNDLE / name
    assert path.is_file(), f"{path} missing: is {BUNDLE_ENV} a built bundle?"
    return path


def frozen_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "CLERK_")) and key not in {"VIRTUAL_ENV"}}
    env.update(QT_QPA_PLATFORM="offscreen", CLERK_PASSWORD=PASSWORD, **extra)
    return env


def signed_in() -> list[str]:
    """Jobs sign in like a clerk (the station database is encrypted): --user, CLERK_PASSWORD."""
    return ["--user", ADMIN]


def clerk(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None,
          timeout: float = 180) -> subprocess.CompletedProcess[bytes]:
    command = [str(executable())]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return subprocess.run([*command, *args], capture_output=True, env=env or frozen_env(),
                          timeout=timeout, check=False)


def ok(done: subprocess.CompletedProcess[bytes]) -> str:
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, f"exit {done.returncode}\n{out}\n{err}"
    return out


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station set up and filled by the frozen program itself."""
    data = tmp_path_factory.mktemp("frozen-station")
    out = ok(clerk("setup", "--centre-name", CENTRE, "--region", "510104", "--station", "001",
                   "--admin", ADMIN, "--password", PASSWORD, data_dir=data))
    assert CENTRE in out
    out = ok(clerk("demo", *signed_in(), "--applications", str(APPLICATIONS), "--days", "1",
                   data_dir=data))
    assert str(APPLICATIONS) in out
    return data


def test_version_is_the_one_version_source() -> None:
    assert ok(clerk("--version")).strip() == f"Clerk {__version__}"


def test_daily_report_as_pdf_and_xlsx(station: Path, tmp_path: Path) -> None:
    require_poppler()
    import openpyxl

    pdf, xlsx = tmp_path / "daily.pdf", tmp_path / "daily.xlsx"
    ok(clerk("report", "daily", *signed_in(), "--date", TODAY, "--out", str(pdf), data_dir=station))
    ok(clerk("report", "daily", *signed_in(), "--date", TODAY, "--out", str(xlsx),
             data_dir=station))
    text = squeezed(pdf_text(pdf.read_bytes()))
    assert CENTRE in text and "办件台账" in text
    rows = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][1] == "办件编号"
    numbers = [row[1] for row in rows[1:] if row[1]]
    assert len(numbers) == APPLICATIONS
    assert all(number in text for number in numbers)


def _first_number(station: Path, tmp_path: Path) -> str:
    import openpyxl

    xlsx = tmp_path / "numbers.xlsx"
    ok(clerk("report", "daily", *signed_in(), "--date", TODAY, "--out", str(xlsx),
             data_dir=station))
    rows = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))
    return str(rows[1][1])


def test_notice_text_and_barcode_decode(station: Path, tmp_path: Path) -> None:
    """`notice` needs reportlab's barcode modules, which reportlab imports through exec()."""
    require_poppler()
    pytest.importorskip("zxingcpp")
    number = _first_number(station, tmp_path)
    pdf = tmp_path / "notice.pdf"
    env = frozen_env(LD_DEBUG="files") if sys.platform.startswith("linux") else frozen_env()
    done = clerk("notice", *signed_in(), number, "--out", str(pdf), data_dir=station, env=env)
    ok(done)
    text = squeezed(pdf_text(pdf.read_bytes()))
    assert number in text and CENTRE in text
    found = decode(raster(pdf.read_bytes(), 200))
    assert number in found.values(), found
    if sys.platform.startswith("linux"):
        # the C accelerator was loaded by the frozen process (not the pure-Python fallback)
        assert re.search(rb"file=\S*_rl_accel[^ ]*\.so \[0\];\s+dynamically loaded",
                         done.stderr), "reportlab ran without _rl_accel"


def test_window_starts_offscreen_and_stays_up(station: Path) -> None:
    gui = BUNDLE / ("clerk.exe" if sys.platform == "win32" else "clerk")  # type: ignore[operator]
    process = subprocess.Popen([str(gui), "--data-dir", str(station)], env=frozen_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(6)
        alive = process.poll() is None
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert alive, f"the window exited with {process.returncode}: {err.decode('utf-8', 'replace')}"
    assert b"Traceback" not in err, err.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def latin1_locale(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A private en_US.ISO-8859-1 locale (localedef into a temp dir, LOCPATH points at it)."""
    if shutil.which("localedef") is None:
        pytest.skip("localedef missing (package locales / libc-bin)")
    where = tmp_path_factory.mktemp("locales")
    done = subprocess.run(["localedef", "-i", "en_US", "-f", "ISO-8859-1",
                           str(where / "en_US.ISO-8859-1")], capture_output=True, check=False)
    if not (where / "en_US.ISO-8859-1").exists():
        pytest.skip(f"localedef could not build en_US.ISO-8859-1: {done.stderr!r}")
    return {"LOCPATH": str(where), "LC_ALL": "en_US.ISO-8859-1", "LANG": "en_US.ISO-8859-1"}


def test_console_prints_chinese_under_a_non_utf8_locale(
        station: Path, tmp_path: Path, latin1_locale: dict[str, str]) -> None:
    env = frozen_env(**latin1_locale)
    env.pop("PYTHONIOENCODING", None)
    # the locale is real and non-UTF-8: a normal Python cannot print Chinese to a pipe in it
    control = subprocess.run([sys.executable, "-c", r"print('\u7a97\u53e3')"], capture_output=True,
                             env={**env, "PYTHONUTF8": "0"}, check=False, timeout=60)
    assert control.returncode != 0 and b"UnicodeEncodeError" in control.stderr
    assert "窗口受理客户端" in ok(clerk("--help", env=env))
    out = ok(clerk("report", "daily", *signed_in(), "--date", TODAY,
                   "--out", str(tmp_path / "d.pdf"), data_dir=station, env=env))
    assert "已写出" in out
    failed = clerk("notice", *signed_in(), "51010400199999999999999", "--out",
                   str(tmp_path / "n.pdf"), data_dir=station, env=env)
    assert failed.returncode == 1
    assert re.search("[\u4e00-\u9fff]", failed.stderr.decode("utf-8")), failed.stderr


def test_bundle_leaves_out_the_virtual_keyboard_and_qml() -> None:
    assert BUNDLE is not None
    names = [path.relative_to(BUNDLE).as_posix() for path in BUNDLE.rglob("*")]
    assert not [n for n in names if re.search(r"virtualkeyboard", n, re.I)]
    assert not [n for n in names if re.search(r"(^|/)qml/", n)]
    assert not [n for n in names if re.search(r"platformthemes/libqgtk3|libgtk-3", n)]
    assert any(re.search(r"_rl_accel", n) for n in names)
    # Qt's ffmpeg multimedia plugin (the document camera) links libQt6Qml/libQt6Quick itself;
    # anything else linking them means a Quick module slipped in
    quick_users = [n for n in names if n.endswith(".so") and "Qt6Quick" not in n
                   and "Qt6Qml" not in n and _links_quick(BUNDLE / n)]
    assert all("plugins/multimedia/" in n for n in quick_users), quick_users


def _links_quick(path: Path) -> bool:
    if not sys.platform.startswith("linux") or path.is_symlink():
        return False
    done = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True,
                          check=False)
    return bool(re.search(r"NEEDED\s+libQt6(Qml|Quick)", done.stdout))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF facts")
def test_every_library_the_bundle_links_is_shipped_or_a_base_system_one() -> None:
    assert BUNDLE is not None
    sys.path.insert(0, str(PACKAGING))
    try:
        import linux_libs
    finally:
        sys.path.remove(str(PACKAGING))
    unshipped = linux_libs.unshipped_sonames(BUNDLE)
    # what the .deb's Depends names (base system / driver stack / X and Wayland client libs)
    odd = [name for name in unshipped if not linux_libs.SYSTEM_SONAMES.match(name)
           and not name.startswith(("libxcb.so", "libX11.so"))]
    assert not odd, unshipped
    floor = linux_libs.glibc_floor(BUNDLE)
    assert (2, 17) <= floor <= (2, 36), floor  # built on Debian 12: at most its glibc
