#!/usr/bin/env bash
# Run the whole test suite (SQLite and PostgreSQL, the real offline model, the Bot API emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
