#!/usr/bin/env bash
# `npm test`: every test suite of the project, on a fresh Debian machine (as root) or on a
# developer's machine.
#
#   1. PostgreSQL for the database tests. With TEST_DATABASE_URL already set (your own
#      server: an admin URL of a throwaway database whose role may CREATE DATABASE) it is
#      used as it is. Otherwise the local Debian cluster is installed if missing (root),
#      created if missing, started, the postgres role gets a password for TCP
#      (TEST_PG_PASSWORD, default logi_test_pw) and a throwaway database
#      logi_test_<timestamp>_<pid> is created; it and every test_* database the tests
#      marked with this run's id are dropped on exit.
#   2. Chromium for Playwright (apt's /usr/bin/chromium; installed if missing and root).
#   3. Vitest (test/**), `npm run build`, Playwright (e2e/**, against the production build
#      in embedded mode on a temporary DATA_DIR, see e2e/serve.mjs).
#
# Every suite runs even when an earlier one failed. The last line of output is the sum
# over all suites, exactly `N passed, N failed`; the exit status is non-zero when a test
# failed or a suite crashed without reporting (a crash counts as one failed test).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
export NEXT_TELEMETRY_DISABLED=1

log() { printf '\n[test] %s\n' "$*"; }
now() { date +%s; }
STARTED=$(now)

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
APT_UPDATED=0
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" = 0 ]; then
    apt-get update -q || return 1
    APT_UPDATED=1
  fi
  apt-get install -y -q "$@"
}

RUN_ID="logi_test_$(date +%Y%m%d%H%M%S)_$$"
export LOGI_TEST_RUN="$RUN_ID"
TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/logi-test.XXXXXX")
# Reports of this run only (a stale or a concurrent run's report must never be counted).
REPORT_DIR="$TMP_DIR/reports"
mkdir -p "$REPORT_DIR"
export E2E_PID_FILE="$TMP_DIR/e2e-server.pid"

# ---------------------------------------------------------------- cleanup (quiet: the summary stays last)
PG_OWNED=0
REDIS_OWNED=0
REDIS_PID_FILE="$TMP_DIR/redis.pid"
PG_VERSION=""
PG_PORT=5432
CLEANED=0
psql_admin() {
  # Local socket, peer authentication as the postgres OS user; SQL on stdin.
  (cd / && su postgres -s /bin/sh -c "psql -X -q -v ON_ERROR_STOP=1 -p $PG_PORT -d postgres")
}
cleanup() {
  [ "$CLEANED" = 1 ] && return 0
  CLEANED=1
  # The e2e server (e2e/serve.mjs and its server.mjs), if a crashed run left it behind.
  if [ -f "$E2E_PID_FILE" ]; then
    local pid
    for pid in $(cat "$E2E_PID_FILE" 2>/dev/null || true); do
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
  fi
  if [ "$PG_OWNED" = 1 ]; then
    psql_admin >/dev/null 2>&1 <<SQL || true
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', d.datname)
  FROM pg_database d
  JOIN pg_shdescription s ON s.objoid = d.oid AND s.classoid = 'pg_database'::regclass
 WHERE s.description = '$RUN_ID' AND d.datname LIKE 'test\_%'
\gexec
DROP DATABASE IF EXISTS "$RUN_ID" WITH (FORCE);
-- Tenant databases the app created for test databases that no longer exist (a crashed file).
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', d.datname)
  FROM pg_database d
  JOIN pg_shdescription s ON s.objoid = d.oid AND s.classoid = 'pg_database'::regclass
 WHERE s.description LIKE 'logiaccounting tenant of test\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_database m WHERE 'logiaccounting tenant of ' || m.datname = s.description)
\gexec
SQL
  fi
  # The private redis-server of this run (REDIS_OWNED), if it started.
  if [ "$REDIS_OWNED" = 1 ] && [ -f "$REDIS_PID_FILE" ]; then
    local redis_pid
    redis_pid=$(cat "$REDIS_PID_FILE" 2>/dev/null || true)
    if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
      kill -TERM "$redis_pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  rm -rf "$TMP_DIR"
}
trap cleanup EXIT

# ---------------------------------------------------------------- PostgreSQL
setup_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then
    log "PostgreSQL: using TEST_DATABASE_URL from the environment"
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    if [ "$IS_ROOT" != 1 ]; then
      log "PostgreSQL is not installed and this is not root: install the postgresql package or set TEST_DATABASE_URL"
      return 1
    fi
    log "PostgreSQL: installing the postgresql package"
    apt_install postgresql || return 1
  fi
  if [ "$IS_ROOT" != 1 ]; then
    log "PostgreSQL: starting the local cluster needs root; set TEST_DATABASE_URL to use your own server"
    return 1
  fi
  PG_VERSION=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$PG_VERSION" ]; then
    log "PostgreSQL: no version under /usr/lib/postgresql"
    return 1
  fi
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
    log "PostgreSQL $PG_VERSION: creating cluster main"
    pg_createcluster "$PG_VERSION" main || return 1
  fi
  PG_PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { print $3 }')
  if ! pg_ctlcluster "$PG_VERSION" main status >/dev/null 2>&1; then
    log "PostgreSQL $PG_VERSION: starting cluster main on port $PG_PORT"
    pg_ctlcluster "$PG_VERSION" main start || return 1
  fi
  local password="${TEST_PG_PASSWORD:-logi_test_pw}"
  if ! [[ "$password" =~ ^[A-Za-z0-9_.-]+$ ]]; then
    log "TEST_PG_PASSWORD may only contain letters, digits, '_', '.' and '-'"
    return 1
  fi
  psql_admin <<SQL || return 1
ALTER ROLE postgres WITH PASSWORD '$password';
CREATE DATABASE "$RUN_ID";
SQL
  PG_OWNED=1
  export TEST_DATABASE_URL="postgresql://postgres:${password}@127.0.0.1:${PG_PORT}/${RUN_ID}"
  log "PostgreSQL $PG_VERSION: throwaway database $RUN_ID on 127.0.0.1:$PG_PORT"
}
if ! setup_postgres; then
  log "PostgreSQL is not available: the [postgres] variants of the database tests will fail"
fi

# ---------------------------------------------------------------- Redis
# The Redis tests (tenant cache, rate limits through the Upstash REST bridge) use
# REDIS_TEST_URL. Without one, a private redis-server (no persistence) is started on a
# free port for this run and stopped on exit; without redis-server (and not root to
# install it), those tests skip themselves.
setup_redis() {
  if [ -n "${REDIS_TEST_URL:-}" ]; then
    log "Redis: using REDIS_TEST_URL from the environment"
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$IS_ROOT" != 1 ]; then
      log "redis-server is not installed: the Redis tests will be skipped"
      return 0
    fi
    log "Redis: installing the redis-server package"
    apt_install redis-server || return 1
    # The package starts a system-wide server on 6379; this run uses its own.
  fi
  local port
  port=$(node -e '
    const net = require("node:net");
    const tryPort = (p) => {
      const server = net.createServer().once("error", () => tryPort(p + 1));
      server.listen(p, "127.0.0.1", () => server.close(() => process.stdout.write(String(p))));
    };
    tryPort(6390);')
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$TMP_DIR" \
    --daemonize yes --pidfile "$REDIS_PID_FILE" --logfile "$TMP_DIR/redis.log" >/dev/null || return 1
  REDIS_OWNED=1
  for _ in $(seq 1 50); do
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; then
      export REDIS_TEST_URL="redis://127.0.0.1:$port"
      log "Redis: private redis-server for this run on 127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  log "Redis: redis-server did not answer on port $port"
  return 1
}
if ! setup_redis; then
  log "Redis is not available: the Redis tests start their own redis-server or skip"
fi

# ---------------------------------------------------------------- Chromium
CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$IS_ROOT" = 1 ] && [ "$CHROMIUM" = /usr/bin/chromium ]; then
    log "Chromium: installing the chromium package"
    apt_install chromium || log "Chromium could not be installed: the e2e tests will fail"
  else
    log "Chromium not found at $CHROMIUM: install Debian's chromium package (or set E2E_CHROMIUM)"
  fi
fi

# ---------------------------------------------------------------- Prisma clients
if [ ! -f lib/generated/control/client.ts ] || [ ! -f lib/generated/tenant/client.ts ]; then
  log "Generating the Prisma clients"
  npm run --silent generate || log "prisma generate failed"
fi

# ---------------------------------------------------------------- suites
LINT_RC=0
TYPECHECK_RC=0
VITEST_RC=0
BUILD_RC=0
PLAYWRIGHT_RC=0

log "Static checks (ESLint, TypeScript over app, tests and benches)"
t=$(now)
npm run --silent lint || LINT_RC=$?
npm run --silent typecheck || TYPECHECK_RC=$?
log "Static checks finished in $(($(now) - t)) s (lint exit $LINT_RC, typecheck exit $TYPECHECK_RC)"

log "Vitest (unit and database tests)"
t=$(now)
VITEST_JSON_REPORT="$REPORT_DIR/vitest.json" node_modules/.bin/vitest run || VITEST_RC=$?
log "Vitest finished in $(($(now) - t)) s (exit $VITEST_RC)"

log "Building the app (npm run build)"
t=$(now)
npm run --silent build || BUILD_RC=$?
log "Build finished in $(($(now) - t)) s (exit $BUILD_RC)"

if [ "$BUILD_RC" = 0 ]; then
  # The e2e server's port: E2E_PORT, or the first free one from 3300, chosen right before
  # Playwright starts (another run on this machine may hold 3300).
  if [ -z "${E2E_PORT:-}" ]; then
    E2E_PORT=$(node -e '
      const net = require("node:net");
      const tryPort = (p) => {
        const server = net.createServer().once("error", () => tryPort(p + 1));
        server.listen(p, () => server.close(() => process.stdout.write(String(p))));
      };
      tryPort(3300);')
  fi
  export E2E_PORT
  log "Playwright (e2e, production build in embedded mode on port $E2E_PORT)"
  t=$(now)
  E2E_JSON_REPORT="$REPORT_DIR/playwright.json" E2E_CHROMIUM="$CHROMIUM" node_modules/.bin/playwright test ||
    PLAYWRIGHT_RC=$?
  log "Playwright finished in $(($(now) - t)) s (exit $PLAYWRIGHT_RC)"
else
  log "Skipping Playwright: the build failed"
  PLAYWRIGHT_RC=1
fi

# ---------------------------------------------------------------- summary
SUMMARY_RC=0
SUMMARY=$(node scripts/test-summary.mjs \
  "lint:$LINT_RC" \
  "typecheck:$TYPECHECK_RC" \
  "vitest:$VITEST_RC:$REPORT_DIR/vitest.json" \
  "build:$BUILD_RC" \
  "playwright:$PLAYWRIGHT_RC:$REPORT_DIR/playwright.json") || SUMMARY_RC=$?
if [ -z "$SUMMARY" ]; then
  SUMMARY="0 passed, 1 failed"
  SUMMARY_RC=1
fi
cleanup
log "All suites finished in $(($(now) - STARTED)) s"
printf '%s\n' "$SUMMARY"
exit "$SUMMARY_RC"
