#!/usr/bin/env bash
# Prepares this machine and this checkout for StarDesk. Safe to run again:
# every step checks first and does only what is missing.
#
#   bash scripts/setup.sh          # what the tests need (the default)
#   bash scripts/setup.sh demo     # what the demo needs
#
# Debian 12 with Python 3.11; system packages are installed as root (or with sudo).
set -euo pipefail

PROFILE="${1:-test}"
case "$PROFILE" in
  demo|test) ;;
  *) echo "用法: bash scripts/setup.sh [demo|test]" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOG_DIR="$ROOT/data/setup-logs"
mkdir -p "$LOG_DIR"

say() { printf '==> %s\n' "$*"; }

# Runs a noisy command with its output in a log file; shows the log's end only if it fails.
quietly() {
  local name="$1"; shift
  local log="$LOG_DIR/$name.log"
  if ! "$@" >"$log" 2>&1; then
    echo "!! 失败: $* (日志 $log)" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "!! 需要 root 权限安装系统软件包: $*" >&2
    exit 1
  fi
}

# --- system packages --------------------------------------------------------
MISSING=()
need_pkg() {  # need_pkg PACKAGE: queue it when dpkg does not know it as installed
  if ! dpkg -s "$1" >/dev/null 2>&1; then MISSING+=("$1"); fi
}

PYTHON="${STARDESK_PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON="python3.11"; else PYTHON=""; fi
fi
if [ -z "$PYTHON" ]; then
  MISSING+=(python3.11 python3.11-venv)
  PYTHON="python3.11"
elif [ "$(command -v "$PYTHON")" = "/usr/bin/python3.11" ]; then
  need_pkg python3.11-venv  # Debian's own Python creates venvs only with this package
fi
command -v npm >/dev/null 2>&1 || MISSING+=(nodejs npm)
if compgen -G "src/stardesk/locale/*/LC_MESSAGES/*.po" >/dev/null || compgen -G "src/stardesk/*/locale/*/LC_MESSAGES/*.po" >/dev/null; then
  command -v msgfmt >/dev/null 2>&1 || MISSING+=(gettext)
fi
# Chinese glyphs embedded in the certificates and summary report (A3, R3), screenshots and PDFs.
need_pkg fonts-wqy-microhei
if [ "$PROFILE" = "test" ]; then
  [ -x /usr/bin/chromium ] || MISSING+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || MISSING+=(poppler-utils)
  command -v msgfmt >/dev/null 2>&1 || MISSING+=(gettext)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || MISSING+=(postgresql)
fi

if [ "${#MISSING[@]}" -gt 0 ]; then
  # De-duplicate while keeping the order.
  mapfile -t MISSING < <(printf '%s\n' "${MISSING[@]}" | awk '!seen[$0]++')
  say "安装系统软件包: ${MISSING[*]}"
  quietly apt-update as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  quietly apt-install as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${MISSING[@]}"
else
  say "系统软件包已齐全"
fi

# --- Python environment -----------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "创建 Python 虚拟环境 .venv ($PYTHON)"
  quietly venv "$PYTHON" -m venv .venv
fi
# Reinstall only when the declared dependencies changed.
PY_STAMP=".venv/.stardesk-installed"
PY_WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$PY_STAMP" ] || [ "$(cat "$PY_STAMP")" != "$PY_WANT" ] || ! .venv/bin/python -c "import stardesk" 2>/dev/null; then
  say "安装 Python 依赖 (pyproject.toml)"
  quietly pip-upgrade .venv/bin/python -m pip install --disable-pip-version-check -q --upgrade pip
  quietly pip-install .venv/bin/python -m pip install --disable-pip-version-check -q -e ".[dev]"
  echo "$PY_WANT" >"$PY_STAMP"
else
  say "Python 依赖已是最新"
fi

# --- front-end libraries (served locally, no CDN) ---------------------------
NPM_STAMP="node_modules/.stardesk-installed"
NPM_WANT="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$NPM_STAMP" ] || [ "$(cat "$NPM_STAMP")" != "$NPM_WANT" ] || [ ! -f node_modules/bootstrap/dist/css/bootstrap.min.css ]; then
  say "安装前端库 (npm ci)"
  quietly npm-ci npm ci --no-audit --no-fund --loglevel=error
  echo "$NPM_WANT" >"$NPM_STAMP"
else
  say "前端库已是最新"
fi

# --- translations -------------------------------------------------------------
if compgen -G "src/stardesk/locale/*/LC_MESSAGES/*.po" >/dev/null || compgen -G "src/stardesk/*/locale/*/LC_MESSAGES/*.po" >/dev/null; then
  say "编译翻译文件"
  # From src/ so that the search for locale folders stays out of .venv and node_modules.
  (cd src && quietly compilemessages env STARDESK_DEMO=1 STARDESK_DATA_DIR="$ROOT/data" \
    "$ROOT/.venv/bin/python" -m stardesk compilemessages -v 0)
fi

say "准备完成 ($PROFILE)"
