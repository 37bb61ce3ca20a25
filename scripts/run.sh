#!/usr/bin/env bash
# Set up and run the site locally on SQLite with the demo content (make run), with the
# background worker (PDF builds, proofreading PDFs, search-index updates) beside it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
export DEBUG="${DEBUG:-1}"
PORT="${PORT:-8000}"
# Mails (the newsletter's) carry absolute links to the site; in development they are printed on
# this console (DEBUG without EMAIL_URL), not sent.
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py rebuild_search_index
"$PY" manage.py ensure_roles -v0
"$PY" manage.py load_demo
echo
"$PY" manage.py ensure_admin --role-accounts --url "http://127.0.0.1:$PORT"
# The worker runs beside the development server and stops with it (Ctrl-C, or the server exiting).
# In a session of its own, so that Ctrl-C reaches it once, as the SIGTERM below: it finishes the job
# it is running, then exits (a second signal would stop it mid-job). Restart `make run` after
# changing a job's code: the worker does not reload itself.
setsid "$PY" manage.py jobs_worker &
WORKER=$!
trap 'kill -TERM "$WORKER" 2>/dev/null; wait "$WORKER" 2>/dev/null || true' EXIT
echo "Background worker started (pid $WORKER). Stop the site and the worker with Ctrl-C."
echo "Mail: the newsletter's mails are printed on this console (set EMAIL_URL to send them)."
echo
"$PY" manage.py runserver "127.0.0.1:$PORT"
