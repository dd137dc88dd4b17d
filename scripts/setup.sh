#!/usr/bin/env bash
# Create .venv and install Chibo with its test tools. Idempotent: re-installs only when
# pyproject.toml changed. torch comes first, pinned, so pip takes the CPU build on this disk
# instead of resolving a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages for reading scans, photos and Word 97–2003 files (Tesseract with its
# Vietnamese model, antiword) and the fonts the OCR tests typeset pages with; installed with
# apt-get only when missing (skip with CHIBO_NO_APT=1 on a machine without root).
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie; } \
  || need+=(tesseract-ocr-vie)
command -v antiword >/dev/null 2>&1 || need+=(antiword)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need+=(fonts-dejavu-core)
if [ "${#need[@]}" -gt 0 ] && [ "${CHIBO_NO_APT:-0}" != 1 ]; then
  echo "apt-get install ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.chibo-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet torch==2.13.0
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  echo "$want" > "$stamp"
fi
