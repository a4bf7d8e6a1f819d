#!/usr/bin/env bash
# Build what ships: the frozen one-folder bundle (dist/clerk/) and the Debian package
# (dist/clerk_VERSION_amd64.deb: /opt/clerk, /usr/bin/clerk, desktop entry, icons).
# Usage: bash packaging/build.sh [--bundle-only | --deb-only | --nsis-check] [--dist DIR]
#   --bundle-only  freeze only, no .deb
#   --deb-only     package the bundle already in DIST/clerk (no freezing)
#   --nsis-check   only compile packaging/clerk.nsi (makensis) against a stand-in payload
#   --dist DIR     where the bundle and packages go (default: dist/)
# CLERK_SOURCE_ROOT=DIR freezes another checkout with this recipe (the upgrade test builds the
# previous release from a git worktree); the version always comes from that tree's
# clerk_app/__init__.py, the one version source.
set -euo pipefail
packaging="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$packaging")"
source_root="$(cd "${CLERK_SOURCE_ROOT:-$repo}" && pwd)"
cd "$repo"

mode=all
dist="$repo/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle-only) mode=bundle ;;
    --deb-only) mode=deb ;;
    --nsis-check) mode=nsis ;;
    --dist) dist="$(mkdir -p "$2" && cd "$2" && pwd)"; shift ;;
    *) echo "usage: bash packaging/build.sh [--bundle-only | --deb-only | --nsis-check] [--dist DIR]" >&2
       exit 2 ;;
  esac
  shift
done

version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$source_root/clerk_app/__init__.py")"
[ -n "$version" ] || { echo "no __version__ in $source_root/clerk_app/__init__.py" >&2; exit 1; }
python="$repo/.venv/bin/python"

nsis_check() {
  command -v makensis >/dev/null || { echo "makensis missing: apt-get install nsis" >&2; exit 1; }
  local stage
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' RETURN
  # Stand-in payload: the file names the real bundle has, so every File/Delete line resolves.
  mkdir -p "$stage/clerk/_internal/resources"
  printf 'MZ stand-in\n' > "$stage/clerk/clerk.exe"
  printf 'MZ stand-in\n' > "$stage/clerk/clerk-cli.exe"
  printf 'stand-in\n' > "$stage/clerk/_internal/resources/README.txt"
  local version4="$version"
  while [ "$(tr -cd . <<<"$version4" | wc -c)" -lt 3 ]; do version4="$version4.0"; done
  makensis -V2 -WX -INPUTCHARSET UTF8 -DVERSION="$version" -DVERSION4="$version4" -DPAYLOAD="$stage/clerk" \
    -DOUTFILE="$stage/clerk-setup.exe" -DICON="$packaging/icon/clerk.ico" "$packaging/clerk.nsi"
  test -s "$stage/clerk-setup.exe"
  echo "NSIS script compiles (stand-in payload): $(stat -c %s "$stage/clerk-setup.exe") bytes"
}

if [ "$mode" = nsis ]; then
  nsis_check
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/clerk-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
bundle="$dist/clerk"
start=$(date +%s)
if [ "$mode" != deb ]; then
  if [ ! -x "$repo/.venv/bin/pyinstaller" ]; then
    "$python" -m pip install -q -e "$repo[build]"  # pyproject's `build` extra
  fi
  CLERK_SOURCE_ROOT="$source_root" "$repo/.venv/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$dist" --workpath "$work/pyinstaller" "$packaging/clerk.spec"
fi
frozen=$(date +%s)
[ -x "$bundle/clerk" ] || { echo "no bundle in $bundle" >&2; exit 1; }
echo "bundle: $bundle ($(du -sm "$bundle" | cut -f1) MB, $(find "$bundle" -type f | wc -l) files," \
     "frozen in $((frozen - start)) s)"
[ "$mode" = bundle ] && exit 0

command -v dpkg-deb >/dev/null || { echo "dpkg-deb missing" >&2; exit 1; }
floor="$("$python" "$packaging/linux_libs.py" floor "$bundle")"
depends="$("$python" "$packaging/linux_libs.py" depends "$bundle")"
root="$work/deb"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
         "$root/usr/share/doc/clerk" "$root/usr/share/icons/hicolor/scalable/apps"
cp -a "$bundle" "$root/opt/clerk"
cat > "$root/usr/bin/clerk" <<'EOF'
#!/bin/sh
# Clerk 窗口受理: the frozen program lives in /opt/clerk (data stays in the user's data directory).
exec /opt/clerk/clerk "$@"
EOF
chmod 0755 "$root/usr/bin/clerk"
cp "$packaging/deb/clerk.desktop" "$root/usr/share/applications/clerk.desktop"
for size in 16 24 32 48 64 128 256; do
  mkdir -p "$root/usr/share/icons/hicolor/${size}x${size}/apps"
  cp "$packaging/icon/clerk-$size.png" "$root/usr/share/icons/hicolor/${size}x${size}/apps/clerk.png"
done
cp "$packaging/icon/clerk.svg" "$root/usr/share/icons/hicolor/scalable/apps/clerk.svg"
cp "$packaging/deb/copyright" "$root/usr/share/doc/clerk/copyright"
for script in postinst postrm; do
  install -m 0755 "$packaging/deb/$script" "$root/DEBIAN/$script"
done
installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@DEPENDS@/$depends/" -e "s/@INSTALLED_SIZE@/$installed_kb/" \
    "$packaging/deb/control.in" > "$root/DEBIAN/control"
command -v desktop-file-validate >/dev/null && desktop-file-validate "$root/usr/share/applications/clerk.desktop"
deb="$dist/clerk_${version}_amd64.deb"
# gzip, not xz: xz -6 took over 3 CPU-minutes for the 340 MB tree; every dpkg reads gzip.
# CLERK_DEB_COMPRESSION=none for a package that is only installed once by a test.
dpkg-deb --root-owner-group -Z"${CLERK_DEB_COMPRESSION:-gzip}" -z6 --build "$root" "$deb" >/dev/null
done_at=$(date +%s)
echo "package: $deb ($(du -m "$deb" | cut -f1) MB, glibc >= $floor, built in $((done_at - frozen)) s)"
echo "Depends: $depends"
