"""Upgrade on a counter PC: the previous release's .deb, data made with it, then this .deb over it.

Installs packages for real (`dpkg -i` into /, as root): run it on a throwaway machine only.
`.ci/run` does, with CLERK_DEB_UPGRADE=1 and CLERK_FROZEN_DEB=dist/clerk_<version>_amd64.deb.
The previous release (PREVIOUS_RELEASE, or CLERK_PREVIOUS_REF) is frozen from a git worktree
with this checkout's packaging/build.sh (its version comes from its own clerk_app/__init__.py);
CLERK_PREVIOUS_DEB reuses a package built before.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from clerk_app import __version__
from clerk_app.store import backup

REPO = Path(__file__).resolve().parents[2]
# The last commit of release 0.1.0 (schema 0003, plain SQLite, no --user): the release a
# counter PC upgrades from.
PREVIOUS_RELEASE = "9b1771610c7a4ca88a9cba31acdfd5ad42cd5215"
ADMIN, PASSWORD = "admin", "admin2026x"
APPLICATIONS = 9
TODAY = date.today().isoformat()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("CLERK_DEB_UPGRADE") != "1" or not os.environ.get(
        "CLERK_FROZEN_DEB"), reason="installs packages into /: set CLERK_DEB_UPGRADE=1 and "
        "CLERK_FROZEN_DEB (.ci/run does, on a throwaway machine)"),
    pytest.mark.skipif(shutil.which("dpkg") is None or os.geteuid() != 0,
                       reason="needs dpkg and root"),
]


def run(*command: str, env: dict[str, str] | None = None,
        timeout: float = 900) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(command), capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(command)}: exit {done.returncode}\n" \
                                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def installed_version() -> str | None:
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Status} ${Version}", "clerk"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0 or "install ok installed" not in done.stdout:
        return None
    return done.stdout.split()[-1]


def clerk_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLERK_", "PYTHON"))}
    env.update(QT_QPA_PLATFORM="offscreen", CLERK_PASSWORD=PASSWORD)
    return env


def previous_deb(tmp: Path) -> Path:
    given = os.environ.get("CLERK_PREVIOUS_DEB")
    if given:
        return Path(given)
    ref = os.environ.get("CLERK_PREVIOUS_REF", PREVIOUS_RELEASE)
    tree = tmp / "previous-src"
    if subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{ref}^{{commit}}"],
                      capture_output=True, check=False).returncode != 0:
        pytest.skip(f"previous release {ref} not in this clone (shallow?): set CLERK_PREVIOUS_DEB")
    run("git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), ref)
    try:
        out = tmp / "previous-dist"
        run("bash", str(REPO / "packaging" / "build.sh"), "--dist", str(out),
            env={**os.environ, "CLERK_SOURCE_ROOT": str(tree), "CLERK_DEB_COMPRESSION": "none"})
        (deb,) = out.glob("clerk_*_amd64.deb")
        return deb
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                       capture_output=True, check=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_upgrade_keeps_and_migrates_the_data_and_removal_leaves_it(tmp_path: Path) -> None:
    new_deb = Path(os.environ["CLERK_FROZEN_DEB"]).resolve()
    assert installed_version() is None, "clerk is already installed on this machine"
    old_deb = previous_deb(tmp_path)
    data = tmp_path / "station"
    try:
        # 1. the previous release, and a day of work with it
        run("dpkg", "-i", str(old_deb))
        old_version = installed_version()
        assert old_version is not None and old_version != __version__
        run("/usr/bin/clerk", "--data-dir", str(data), "setup", "--centre-name", "青石镇便民服务中心",
            "--region", "510104", "--station", "001", "--admin", ADMIN, "--password", PASSWORD,
            env=clerk_env())
        run("/usr/bin/clerk", "--data-dir", str(data), "demo",  # 0.1.0: no sign-in for jobs
            "--applications", str(APPLICATIONS), env=clerk_env())
        # closed before the upgrade: an open connection would (rightly) block the conversion
        with closing(sqlite3.connect(data / "clerk.sqlite")) as db:
            old_revision = db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            old_numbers = {row[0] for row in db.execute("SELECT number FROM applications")}
        assert len(old_numbers) == APPLICATIONS
        backups_before = set((data / "backups").glob("*")) if (data / "backups").exists() else set()

        # 2. this release over it: same data directory, migrated at the first start
        run("dpkg", "-i", str(new_deb))
        assert installed_version() == __version__
        assert run("/usr/bin/clerk", "--version", env=clerk_env()).stdout.strip() == \
            f"Clerk {__version__}"
        xlsx = tmp_path / "after.xlsx"
        run("/usr/bin/clerk", "--data-dir", str(data), "--user", ADMIN, "report", "daily",
            "--date", TODAY, "--out", str(xlsx), env=clerk_env())
        import openpyxl

        rows = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))
        assert {row[1] for row in rows[1:] if row[1]} == old_numbers
        # the backup taken before the migration says (without the key) it holds the old schema
        headers = [backup.read_header(path)[0]
                   for path in set((data / "backups").glob("*")) - backups_before
                   if path.suffix == backup.SUFFIX]
        pre_migration = [h for h in headers if h.kind == backup.PRE_MIGRATION
                         and h.schema == old_revision]
        # the migration ran: this release reads and writes the new schema (a write proves it)
        run("/usr/bin/clerk", "--data-dir", str(data), "--user", ADMIN, "demo",
            "--applications", "1", env=clerk_env())

        # 3. removal and purge leave the station's files exactly as they were
        before = {p.relative_to(data): digest(p) for p in data.rglob("*") if p.is_file()
                  and p.parent.name != "logs"}
        run("dpkg", "-r", "clerk")
        assert not Path("/opt/clerk").exists() and not Path("/usr/bin/clerk").exists()
        run("dpkg", "-P", "clerk")
        after = {p.relative_to(data): digest(p) for p in data.rglob("*") if p.is_file()
                 and p.parent.name != "logs"}
        assert after == before
        # checked last so that a missing backup does not hide the removal checks above
        assert pre_migration, (
            f"no pre-migration backup of schema {old_revision} after the upgrade; backups/ "
            f"holds {sorted(p.name for p in (data / 'backups').glob('*'))}: the first sign-in "
            "converts the plain 0.1.0 database to SQLCipher and that conversion shreds plain "
            "backups, the pre-migration one included")
    finally:
        if installed_version() is not None:
            subprocess.run(["dpkg", "-P", "clerk"], capture_output=True, check=False)

