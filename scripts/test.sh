#!/usr/bin/env bash
# The whole test suite, twice: on SQLite, then on a throwaway PostgreSQL 15.
# Exits non-zero when either run fails or runs no test.
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh tests/people    # extra arguments go to pytest (both runs)
#
# STARDESK_TEST_WORKERS sets pytest-xdist's worker count (default 2; 0 = no xdist).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh test
# shellcheck source=/dev/null
source .venv/bin/activate
# shellcheck source=scripts/throwaway_postgres.sh
source scripts/throwaway_postgres.sh
trap throwaway_postgres_stop EXIT
trap 'exit 130' INT TERM

WORKERS="${STARDESK_TEST_WORKERS:-2}"
XDIST=()
if [ "$WORKERS" != "0" ]; then XDIST=(-n "$WORKERS" --dist loadfile); fi
REPORT_DIR="$ROOT/test-artifacts/reports"
mkdir -p "$REPORT_DIR" data/static  # data/static: STATIC_ROOT, which WhiteNoise expects to exist

declare -A RC SUMMARY
TOTALS=(0 0 0)  # passed failed skipped

# counts FILE -> "passed failed skipped" from a JUnit report (errors count as failed)
counts() {
  python - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = failed = skipped = 0
for s in suites:
    tests += int(s.get("tests", 0))
    failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
    skipped += int(s.get("skipped", 0))
print(tests - failed - skipped, failed, skipped)
EOF
}

run_suite() {  # run_suite NAME: the whole suite against the database in DATABASE_URL (or SQLite)
  local name="$1"; shift
  local report="$REPORT_DIR/$name.xml" started rc
  rm -f "$report"
  echo
  echo "==> 测试套件 · $name"
  started=$(date +%s)
  set +e
  python -m pytest -q -p no:cacheprovider "${XDIST[@]}" --junitxml="$report" "$@"
  rc=$?
  set -e
  local seconds=$(( $(date +%s) - started ))
  if [ "$rc" -eq 5 ]; then
    SUMMARY[$name]="没有运行任何测试 (pytest 退出码 5)"
    RC[$name]=1
    return
  fi
  if [ -f "$report" ]; then
    read -r passed failed skipped < <(counts "$report")
    TOTALS=($(( TOTALS[0] + passed )) $(( TOTALS[1] + failed )) $(( TOTALS[2] + skipped )))
    SUMMARY[$name]="$passed passed, $failed failed, $skipped skipped (${seconds}s)"
  else
    SUMMARY[$name]="pytest 未生成报告 (退出码 $rc)"
  fi
  if [ "$rc" -ne 0 ]; then RC[$name]=1; else RC[$name]=0; fi
}

unset DATABASE_URL  # the first run is SQLite whatever the caller's environment says

# A model change without its migration passes on the test database but breaks a real one.
echo "==> Django 检查与迁移文件"
set +e
STARDESK_DEMO=1 python -m stardesk check && STARDESK_DEMO=1 python -m stardesk makemigrations --check --dry-run
CHECKS=$?
set -e

run_suite sqlite "$@"

throwaway_postgres_start
run_suite postgresql "$@"
throwaway_postgres_stop

echo
echo "================ 测试结果 ================"
status=0
if [ "$CHECKS" -eq 0 ]; then
  printf '%-11s %s\n' "checks" "通过  system check, migrations"
else
  printf '%-11s %s\n' "checks" "失败  system check 或缺少迁移文件（见上方输出）"
  status=1
fi
for name in sqlite postgresql; do
  if [ "${RC[$name]}" -eq 0 ]; then mark="通过"; else mark="失败"; status=1; fi
  printf '%-11s %s  %s\n' "$name" "$mark" "${SUMMARY[$name]}"
done
if [ "$status" -eq 0 ]; then echo "全部通过"; else echo "有失败，见上方输出"; fi
echo "Total: ${TOTALS[0]} passed, ${TOTALS[1]} failed, ${TOTALS[2]} skipped"
exit "$status"
