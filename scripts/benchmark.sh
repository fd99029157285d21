#!/usr/bin/env bash
# The benchmark (benchmarks/run.py) on a fresh SQLite file, then on a throwaway
# PostgreSQL 15. Results also land in test-artifacts/benchmark-<database>.json.
# Extra arguments go to run.py (e.g. --hotlines 4 --agents-per-hotline 500).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh test
# shellcheck source=/dev/null
source .venv/bin/activate
# shellcheck source=scripts/throwaway_postgres.sh
source scripts/throwaway_postgres.sh
SQLITE_DIR="$(mktemp -d /tmp/stardesk-bench-sqlite.XXXXXX)"
cleanup() { throwaway_postgres_stop; rm -rf "$SQLITE_DIR"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
export STARDESK_DEMO=1
mkdir -p test-artifacts

status=0
echo "==> 基准测试 · SQLite"
(unset DATABASE_URL; STARDESK_DATA_DIR="$SQLITE_DIR" python benchmarks/run.py --json test-artifacts/benchmark-sqlite.json "$@") || status=1

echo
throwaway_postgres_start
echo "==> 基准测试 · PostgreSQL"
python benchmarks/run.py --json test-artifacts/benchmark-postgresql.json "$@" || status=1
exit "$status"
