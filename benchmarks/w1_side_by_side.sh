#!/usr/bin/env bash
# W1 intake of the peer harness against django-helpdesk and shouhou, on PostgreSQL, one sitting.
# Prerequisite: bash /work/shared/bench/peer/setup.sh postgres   (installs the peer into /tmp/peer)
# Usage: [SKIP_PEER=1] bash benchmarks/w1_side_by_side.sh [TOTAL]      results: /tmp/shouhou-w1.jsonl
set -euo pipefail
TOTAL=${1:-3000}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PEER=/work/shared/bench/peer
OUT=/tmp/shouhou-w1.jsonl
PG=postgres://postgres@127.0.0.1:5432/shouhou_w1
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.3; done; echo "no server at $1"; exit 1; }

# --- peer: django-helpdesk, 2 sync gunicorn workers (its README's set-up), fresh DB
if [ -z "${SKIP_PEER:-}" ]; then
bash $PEER/setup.sh postgres >/dev/null 2>&1
(cd /tmp/peer/site && PEER_DB=postgres DJANGO_SETTINGS_MODULE=peersite.settings exec /tmp/peer/venv/bin/gunicorn \
   peersite.wsgi:application --workers 2 --worker-class sync --bind 127.0.0.1:8077 --timeout 300 \
   --log-level warning) & PEER_PID=$!; PIDS+=($PEER_PID)
wait_up http://127.0.0.1:8077/login/
/tmp/peer/venv/bin/python $PEER/workload.py w1 --base http://127.0.0.1:8077 --total "$TOTAL" \
   --label peer-postgres --server-pid $PEER_PID --out $OUT | tail -n 40
kill $PEER_PID; wait $PEER_PID 2>/dev/null || true
fi

# --- shouhou: fresh DB with the demo reference data, then serve --prod (gunicorn) twice:
#     the default (2×cores+1 gthread workers) and the peer's 2 sync workers
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS shouhou_w1" -c "CREATE DATABASE shouhou_w1"
export DATABASE_URL=$PG DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECRET_KEY=bench-only-$RANDOM$RANDOM
cd "$HERE"
.venv/bin/shouhou migrate -v0
.venv/bin/shouhou demo --tickets 0 >/dev/null
for mode in default sync2; do
  if [ $mode = default ]; then
    .venv/bin/shouhou serve --prod --port 8078 --no-demo >/dev/null 2>&1 & SRV=$!; PIDS+=($SRV)
  else
    .venv/bin/shouhou collectstatic --noinput -v0
    .venv/bin/python -m gunicorn shouhou.wsgi:application --workers 2 --worker-class sync \
       --bind 127.0.0.1:8078 --log-level warning & SRV=$!; PIDS+=($SRV)
  fi
  wait_up http://127.0.0.1:8078/accounts/login/
  MASTER=$(pgrep -P $SRV -f gunicorn | head -1 || echo $SRV)
  /tmp/peer/venv/bin/python $PEER/workload.py w1 --adapter benchmarks/peer_adapter.py \
     --base http://127.0.0.1:8078 --user desk --password shouhou-demo --total "$TOTAL" \
     --label shouhou-postgres-$mode --server-pid "$MASTER" --out $OUT | tail -n 40
  kill $SRV; wait $SRV 2>/dev/null || true
  sleep 2
done
