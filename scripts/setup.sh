#!/usr/bin/env bash
# Create .venv and install the pinned dependencies (again only when the
# requirements change). Sourced by the other scripts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
if [ ! -x "$PY" ]; then
  echo "==> Creating the virtual environment in .venv"
  python3 -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha"
want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> Installing Python dependencies"
  "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$PY" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-dev.txt"
  echo "$want" > "$stamp"
fi

# WeasyPrint (the printed PDFs) needs Pango 1.44 or newer from the system.
if ! /sbin/ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing Pango for WeasyPrint (libpango-1.0-0 libpangoft2-1.0-0)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0) >/dev/null
  else
    echo "!! Pango is missing: PDFs cannot be built. Install the Debian packages libpango-1.0-0 and libpangoft2-1.0-0."
  fi
fi

# axe-core for the accessibility tests, from package-lock.json (again only when
# the lock file changes or axe.min.js is missing). The site itself needs no Node.
axe="$ROOT/node_modules/axe-core/axe.min.js"
npm_stamp="$ROOT/node_modules/.package-lock.sha"
npm_want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$axe" ] || [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ]; then
  if ! command -v npm >/dev/null; then
    echo "!! npm is not installed (apt-get install nodejs npm): axe-core cannot be installed," \
         "so the accessibility tests will be SKIPPED (they fail when REQUIRE_BROWSER=1)"
  else
    echo "==> Installing axe-core with npm ci"
    if (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
      echo "$npm_want" > "$npm_stamp"
    else
      echo "!! npm ci failed: the accessibility tests will be SKIPPED (they fail when REQUIRE_BROWSER=1)"
      if [ "${REQUIRE_BROWSER:-0}" = 1 ]; then exit 1; fi
    fi
  fi
fi
