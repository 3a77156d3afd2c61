#!/usr/bin/env bash
# Run the whole suite headless, as CI does: start what the tests need (a virtual X server for the
# real-window test, a throwaway PostgreSQL cluster on 127.0.0.1), run pytest, stop them again.
# Usage: tests/harness/run_tests.sh VENV [pytest args...]
set -euo pipefail
venv=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
# Never the user's keyring, store or config.
export PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring
unset FLOWDECK_DB FLOWDECK_CONFIG || true

apt_ready=0
apt_install() {
  # Install Debian packages when we are root and they are missing (CI runs as root on a clean clone).
  [ "$(id -u)" = 0 ] || { echo "note: not root, cannot install $*" >&2; return 1; }
  if [ "$apt_ready" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; apt_ready=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

# 1. A virtual display for the one test that drives the real app in a real window.
if ! command -v Xvfb >/dev/null 2>&1 || ! command -v xauth >/dev/null 2>&1; then
  apt_install xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
    libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 || true
fi
if command -v Xvfb >/dev/null 2>&1; then export FLOWDECK_TEST_XVFB=1; fi
# 1a. A CJK font, so zh_CN screenshots and the i18n clipping checks see real glyphs (tests/gui/test_i18n.py).
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  apt_install fonts-noto-cjk || true
fi

# 1b. The tools tests call: validators for the desktop integration files (tests/test_packaging.py),
#     systemd-analyze for the sync unit (tests/test_systemd.py), xgettext for the catalogue
#     (tests/test_i18n_cli.py). Under CI=true a missing one fails its test (tests/helpers/needs.py).
if ! command -v desktop-file-validate >/dev/null 2>&1 || ! command -v appstreamcli >/dev/null 2>&1; then
  apt_install desktop-file-utils appstream || true
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then apt_install systemd || true; fi
if ! command -v xgettext >/dev/null 2>&1; then apt_install gettext || true; fi

# 2. A throwaway PostgreSQL cluster (PLATFORM.md), unless one is given.
pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then
    su postgres -c "$PGBIN/pg_ctl -D $pg_dir/data -m fast -w stop" >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
trap cleanup EXIT
if [ -z "${FLOWDECK_TEST_PG_URL:-}" ] && [ "${FLOWDECK_TEST_NO_PG:-0}" != 1 ]; then
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then apt_install postgresql || true; fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$PGBIN" ] && [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    pg_dir=$(mktemp -d); chown postgres "$pg_dir"
    if su postgres -c "$PGBIN/initdb -D $pg_dir/data -U postgres -A trust --no-sync -E UTF8" >/dev/null 2>&1; then
      # A random port may be taken (another cluster on this machine): try a few.
      for attempt in 1 2 3 4 5; do
        port=$(( 54000 + RANDOM % 900 ))
        if su postgres -c "$PGBIN/pg_ctl -D $pg_dir/data -l $pg_dir/log -w -o '-c listen_addresses=127.0.0.1 -p $port -k /tmp -c fsync=off -c max_connections=200' start" >/dev/null 2>&1 \
          && su postgres -c "$PGBIN/psql -h 127.0.0.1 -p $port -U postgres -Atc 'create database flowdeck'" >/dev/null 2>&1; then
          export FLOWDECK_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/flowdeck"
          echo "PostgreSQL test cluster on 127.0.0.1:$port"
          break
        fi
        su postgres -c "$PGBIN/pg_ctl -D $pg_dir/data -m immediate -w stop" >/dev/null 2>&1 || true
      done
    fi
    if [ -z "${FLOWDECK_TEST_PG_URL:-}" ]; then
      echo "WARNING: could not start a PostgreSQL test cluster; PostgreSQL tests will be skipped" >&2
      tail -5 "$pg_dir/log" 2>/dev/null >&2 || true
    fi
  else
    echo "note: no PostgreSQL server available; PostgreSQL tests will be skipped" >&2
  fi
fi

# In CI nothing may be skipped quietly: the PostgreSQL and real-window tests must run.
if [ "${CI:-}" = true ]; then
  [ -n "${FLOWDECK_TEST_PG_URL:-}" ] || { echo "CI: no PostgreSQL test cluster could be started" >&2; exit 1; }
  [ "${FLOWDECK_TEST_XVFB:-0}" = 1 ] || { echo "CI: Xvfb could not be installed" >&2; exit 1; }
fi

# 3. The layer rules and lint, then the suite. The suite runs even when lint fails, so one
#    lint slip never hides the test results; the run still fails at the end.
status=0
"$venv/bin/lint-imports" --config pyproject.toml >/tmp/flowdeck-lint-imports.$$ 2>&1 \
  && echo "import-linter: layer contracts kept" || { cat /tmp/flowdeck-lint-imports.$$; status=1; }
rm -f /tmp/flowdeck-lint-imports.$$
"$venv/bin/ruff" check --quiet . && echo "ruff: clean" || status=1
"$venv/bin/python" -m pytest "$@" || status=$?
exit $status
