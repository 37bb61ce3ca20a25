#!/usr/bin/env bash
# Set up and run the site locally on SQLite with the demo content (make run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export DEBUG="${DEBUG:-1}"
PORT="${PORT:-8000}"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py rebuild_search_index
"$PY" manage.py ensure_roles -v0
"$PY" manage.py load_demo
echo
"$PY" manage.py ensure_admin --role-accounts --url "http://127.0.0.1:$PORT"
echo "Stop the site with Ctrl-C."
echo
exec "$PY" manage.py runserver "127.0.0.1:$PORT"
