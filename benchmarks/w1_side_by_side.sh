#!/usr/bin/env bash
# W1 intake of the peer harness against django-helpdesk and shouhou, on PostgreSQL, one sitting.
# Prerequisite: bash /work/shared/bench/peer/setup.sh postgres   (installs the peer into /tmp/peer)
# Usage: [SKIP_PEER=1] [BIN=…/.venv/bin] bash benchmarks/w1_side_by_side.sh [TOTAL]   results: /tmp/shouhou-w1.jsonl
# shouhou runs from this checkout's .venv (make install) unless BIN names another venv's bin/.  Its
# contracts carry the five-target BENCH plan with four escalation rules (shouhou/ops/bench/plan.py).
# The last line: {"shouhou_per_s": …, "shouhou_sync2_per_s": …, "peer_per_s": …, "ratio": …}.
set -euo pipefail
TOTAL=${1:-3000}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$HERE/.venv/bin}
RUN=$(date +%s)
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
   --label peer-postgres-$RUN --server-pid $PEER_PID --out $OUT | tail -n 40
kill $PEER_PID; wait $PEER_PID 2>/dev/null || true
fi

# --- shouhou: fresh DB with the demo reference data, then serve --prod (gunicorn) twice:
#     the default (2×cores+1 gthread workers) and the peer's 2 sync workers
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS shouhou_w1" -c "CREATE DATABASE shouhou_w1"
export DATABASE_URL=$PG DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECRET_KEY=bench-only-$RANDOM$RANDOM
cd "$HERE"
"$BIN/shouhou" migrate -v0
"$BIN/shouhou" demo --tickets 0 >/dev/null
"$BIN/shouhou" bench intake --prepare-only | tail -n 1
for mode in default sync2; do
  if [ $mode = default ]; then
    "$BIN/shouhou" serve --prod --port 8078 --no-demo >/dev/null 2>&1 & SRV=$!; PIDS+=($SRV)
  else
    "$BIN/shouhou" collectstatic --noinput -v0
    "$BIN/python" -m gunicorn shouhou.wsgi:application --workers 2 --worker-class sync \
       --bind 127.0.0.1:8078 --log-level warning & SRV=$!; PIDS+=($SRV)
  fi
  wait_up http://127.0.0.1:8078/accounts/login/
  MASTER=$(pgrep -P $SRV -f gunicorn | head -1 || echo $SRV)
  /tmp/peer/venv/bin/python $PEER/workload.py w1 --adapter benchmarks/peer_adapter.py \
     --base http://127.0.0.1:8078 --user desk --password shouhou-demo --total "$TOTAL" \
     --label shouhou-postgres-$mode-$RUN --server-pid "$MASTER" --out $OUT | tail -n 40
  kill $SRV; wait $SRV 2>/dev/null || true
  sleep 2
done

# --- one line: both products' intake per second in this sitting, and the ratio
python3 - "$OUT" "$RUN" <<'PY'
import json, sys
out, run = sys.argv[1], sys.argv[2]
per_s = {}
for line in open(out, encoding="utf-8"):
    rec = json.loads(line)
    if rec.get("label", "").endswith("-" + run):
        per_s[rec["label"][: -len(run) - 1]] = rec["results"][0]["throughput_per_s"]
mine, peer = per_s.get("shouhou-postgres-default"), per_s.get("peer-postgres")
print(json.dumps({"shouhou_per_s": mine, "shouhou_sync2_per_s": per_s.get("shouhou-postgres-sync2"),
                  "peer_per_s": peer, "ratio": round(mine / peer, 2) if mine and peer else None}))
PY
