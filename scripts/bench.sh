#!/usr/bin/env bash
# Benchmark the No. 6 page against a minimal Django view (make bench).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing wrk"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
  else
    echo "wrk is needed: apt-get install wrk"; exit 1
  fi
fi
exec "$PY" scripts/bench.py "$@"
