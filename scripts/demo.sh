#!/usr/bin/env bash
# The demo: prepares the machine, builds a demo database under ./data (SQLite)
# and serves StarDesk on http://127.0.0.1:8000 until Ctrl-C.
#
# The demo data is built once; running this again keeps the existing demo
# (and whatever was changed in it). To start over:
#   STARDESK_DEMO=1 .venv/bin/python -m stardesk demo_data --reset
# STARDESK_PORT changes the port.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh demo
# shellcheck source=/dev/null
source .venv/bin/activate

export STARDESK_DEMO=1
export STARDESK_DATA_DIR="$ROOT/data"
unset DATABASE_URL  # the demo always runs on its own SQLite file
PORT="${STARDESK_PORT:-8000}"

mkdir -p data/static  # STATIC_ROOT: empty in the demo, files come from the finders
echo "==> 数据库迁移 (data/stardesk.sqlite3)"
python -m stardesk migrate --noinput -v 0
echo "==> 演示数据"
python -m stardesk demo_data
echo
echo "==> StarDesk 演示已启动: http://127.0.0.1:$PORT/  (Ctrl-C 停止)"
exec gunicorn stardesk.wsgi:application \
  --bind "127.0.0.1:$PORT" --workers 2 --timeout 120 \
  --access-logfile - --error-logfile - --log-level warning
