#!/usr/bin/env bash
# Install everything Clerk needs on Debian/Ubuntu: system libraries for Qt (and, with --test,
# the PDF and display tools the tests use), then a virtual environment in .venv with the app.
# Usage: bash packaging/install.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

apt_packages=(python3-venv python3-pip libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3
              libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
              libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
              libxcb-xkb1 libnss3 libasound2 cups-client)
if [ "$with_tests" = 1 ]; then
  apt_packages+=(poppler-utils xvfb xauth)
  # packaging checks (.ci/run): ELF facts, a non-UTF-8 locale, desktop entry, NSIS installer
  apt_packages+=(binutils locales desktop-file-utils nsis)
  apt_packages+=(chromium)  # the progress page's browser tests (Playwright drives it)
fi

if command -v apt-get >/dev/null 2>&1; then
  sudo_cmd=""
  if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
  missing=()
  for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    $sudo_cmd apt-get update -q
    # libasound2 is called libasound2t64 on newer releases: install what exists.
    available=()
    for pkg in "${missing[@]}"; do
      if apt-cache show "$pkg" >/dev/null 2>&1; then available+=("$pkg");
      elif [ "$pkg" = libasound2 ]; then available+=(libasound2t64); fi
    done
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${available[@]}"
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$with_tests" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
echo "Clerk installed in .venv"
