#!/usr/bin/env bash
# Set up and run Chibo on its embedded defaults: SQLite, the bundled offline model, the sample
# corpus. With TELEGRAM_BOT_TOKEN set it runs the bot; without it, a terminal chat.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
if [ -n "${TELEGRAM_BOT_TOKEN:-}${CHIBO_TELEGRAM_TOKEN:-}" ]; then
  # A real deployment: never the samples; the admin adds documents (/start tells how).
  exec .venv/bin/chibo run
else
  # The terminal demo, on the sample corpus: text the team wrote, labelled as such in every
  # citation («văn bản mẫu minh hoạ, không phải văn bản chính thức»).
  .venv/bin/chibo ingest --quiet corpus/sample
  .venv/bin/chibo index
  echo "Chưa đặt TELEGRAM_BOT_TOKEN: mở trò chuyện trong terminal (gõ câu hỏi, Ctrl-D để thoát)."
  exec .venv/bin/chibo chat
fi
