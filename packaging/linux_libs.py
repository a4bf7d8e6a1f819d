"""ELF facts about the Linux bundle: what links what, the glibc floor, the .deb's Depends.

Used by clerk.spec (drop system libraries nothing kept links) and by build.sh:
`python packaging/linux_libs.py floor dist/clerk` prints the highest GLIBC_x.y the bundle needs;
`python packaging/linux_libs.py depends dist/clerk` prints the Depends line (the packages that
provide the libraries the bundle links but does not ship, libc6 with the computed floor).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

_NEEDED = re.compile(r"^\s*NEEDED\s+(\S+)", re.M)
_GLIBC = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")
# Libraries PyInstaller never ships (the C library family, the GPU driver stack's entry points):
# the machine provides them and the Depends line names their packages.
SYSTEM_SONAMES = re.compile(
    r"^(ld-linux.*|libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl|libmvec|"
    r"libGL|libEGL|libGLX|libOpenGL|libGLdispatch|libgbm|libdrm|libvulkan|libwayland-.*)\.so")


def _run_objdump(flag: str, path: Path) -> str:
    result = subprocess.run(["objdump", flag, str(path)], capture_output=True, text=True,
                            check=False)
    return result.stdout if result.returncode == 0 else ""


def needed(path: Path) -> list[str]:
    """DT_NEEDED sonames of one ELF file (empty for anything that is not ELF)."""
    return _NEEDED.findall(_run_objdump("-p", path))


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def prune_unlinked(binaries: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Drop system libraries (from outside site-packages) that no kept binary links."""
    entries = list(binaries)

    def is_system(entry: tuple[str, str, str]) -> bool:
        """A shared library from the build machine (not a Python module, not from a wheel)."""
        dest, source = entry[0].replace("\\", "/"), entry[1].replace("\\", "/")
        name = Path(dest).name
        return ("/" not in dest and name.startswith("lib") and ".so" in name
                and "site-packages" not in source and not name.startswith("libpython"))

    by_name = {Path(dest).name: (dest, src, kind) for dest, src, kind in entries if is_system(
        (dest, src, kind))}
    pending = [src for dest, src, kind in entries if not is_system((dest, src, kind))]
    reached: set[str] = set()
    while pending:
        for soname in needed(Path(pending.pop())):
            if soname in by_name and soname not in reached:
                reached.add(soname)
                pending.append(by_name[soname][1])
    return [entry for entry in entries
            if not is_system(entry) or Path(entry[0]).name in reached]


def elf_files(bundle: Path) -> list[Path]:
    return [path for path in sorted(bundle.rglob("*"))
            if path.is_file() and not path.is_symlink() and is_elf(path)]


def glibc_floor(bundle: Path) -> tuple[int, ...]:
    """The highest GLIBC_x.y symbol version any ELF file of the bundle requires."""
    best: tuple[int, ...] = (0, 0)
    for path in elf_files(bundle):
        for match in _GLIBC.finditer(_run_objdump("-T", path)):
            version = tuple(int(part) for part in match.groups() if part is not None)
            best = max(best, version)
    return best


def unshipped_sonames(bundle: Path) -> set[str]:
    """Sonames linked by the bundle's ELF files that the bundle does not contain."""
    files = elf_files(bundle)
    shipped = {path.name for path in bundle.rglob("*.so*")}
    wanted: set[str] = set()
    for path in files:
        wanted.update(needed(path))
    return {name for name in wanted if name not in shipped}


def _package_of(soname: str) -> str | None:
    result = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True,
                            check=False)
    for line in result.stdout.splitlines():
        package = line.split(":", 1)[0]
        if "," not in package and not package.endswith("-dev"):
            return package
    return None


def depends(bundle: Path) -> str:
    """The .deb Depends line: libc6 (>= floor) and the packages of every unshipped library."""
    floor = ".".join(str(part) for part in glibc_floor(bundle))
    packages: dict[str, str] = {"libc6": f"libc6 (>= {floor})"}
    missing: list[str] = []
    for soname in sorted(unshipped_sonames(bundle)):
        package = _package_of(soname)
        if package is None:
            missing.append(soname)
        elif package not in packages:
            packages[package] = package
    if missing:
        raise SystemExit(f"no Debian package provides {', '.join(missing)} on this machine")
    return ", ".join(packages[name] for name in sorted(packages))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"floor", "depends", "unshipped"}:
        print("usage: linux_libs.py floor|depends|unshipped BUNDLE_DIR", file=sys.stderr)
        return 2
    bundle = Path(argv[1])
    if argv[0] == "floor":
        print(".".join(str(part) for part in glibc_floor(bundle)))
    elif argv[0] == "depends":
        print(depends(bundle))
    else:
        print("\n".join(sorted(unshipped_sonames(bundle))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
