# A PostgreSQL cluster that lives for one run: Unix socket only, in a
# temporary folder, removed on exit (even when the run fails).
# Sourced by test.sh and benchmark.sh:
#
#   source scripts/throwaway_postgres.sh
#   throwaway_postgres_start      # exports DATABASE_URL
#   ...                           # the caller's EXIT trap calls throwaway_postgres_stop
#
# initdb and postgres refuse to run as root, so as root they run as the
# `postgres` system user (created by Debian's postgresql package).

PG_BIN="${PG_BIN:-}"
PG_TMP=""

_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

throwaway_postgres_start() {
  if [ -z "$PG_BIN" ]; then
    if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
      PG_BIN=/usr/lib/postgresql/15/bin
    else
      PG_BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
    fi
  fi
  PG_TMP="$(mktemp -d /tmp/stardesk-pg.XXXXXX)"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_TMP"; fi
  _pg "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; return 1; }
  _pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$PG_TMP/server.log" >&2; return 1; }
  _pg "$PG_BIN/createdb" -h "$PG_TMP" -U postgres stardesk
  # The socket folder is the host, percent-encoded in the URL.
  export DATABASE_URL="postgres://postgres@${PG_TMP//\//%2F}/stardesk"
  echo "==> 临时 PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') 已启动 ($PG_TMP)"
}

throwaway_postgres_stop() {
  if [ -n "$PG_TMP" ] && [ -d "$PG_TMP" ]; then
    if [ -f "$PG_TMP/data/postmaster.pid" ]; then
      _pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
    unset DATABASE_URL
    echo "==> 临时 PostgreSQL 已停止并删除"
  fi
  PG_TMP=""
}
