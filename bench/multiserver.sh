#!/usr/bin/env bash
# Issue 9 load run: two `kirjaamo serve` processes on one PostgreSQL
# database, sharing one data directory (keys, blobs), and kirjaload driving
# 64 clients spread over both with a mix of contact writes, audited reads,
# searches and recording uploads. Loopback only; bounded by DURATION.
#
#   bash bench/multiserver.sh                      # 60 s, 64 clients
#   DURATION=15s CLIENTS=16 bash bench/multiserver.sh
#   SERVERS=1 bash bench/multiserver.sh            # the same load on one server
#
# Needs a local PostgreSQL it may create a database in (PGADMIN_URL); the
# database (KIRJAAMO_LOAD_DB, default kirjaamo_load) is dropped and created
# afresh. Exit status: kirjaload's (1 when any request failed), or that of
# the audit verification.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

PGADMIN_URL="${PGADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
DB="${KIRJAAMO_LOAD_DB:-kirjaamo_load}"
DURATION="${DURATION:-60s}"
CLIENTS="${CLIENTS:-64}"
SERVERS="${SERVERS:-2}"
MIX="${MIX:-write=40,read=25,search=20,subject=10,upload=5}"
UPLOAD_BYTES="${UPLOAD_BYTES:-131072}"
POLICY="${POLICY:-examples/seed002-te-contact-centre.yaml}"
DBURL="${PGADMIN_URL%%/postgres\?*}/$DB?sslmode=disable"

work=$(mktemp -d /tmp/kirjaamo-multiserver.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
psql "$PGADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
go build -o "$work/kirjaamo" ./cmd/kirjaamo
go build -o "$work/kirjaload" ./cmd/kirjaload
data="$work/data"
"$work/kirjaamo" keys generate --data "$data" >/dev/null
printf 'a long enough password\n' | "$work/kirjaamo" user add --data "$data" --database-url "$DBURL" --username load.agent --role agent >/dev/null
token=$("$work/kirjaamo" token create --data "$data" --database-url "$DBURL" --username load.agent)

urls=()
for port in $(seq 18091 $((18090 + SERVERS))); do
  "$work/kirjaamo" serve --addr "127.0.0.1:$port" --data "$data" --database-url "$DBURL" --policy "$POLICY" \
    >"$work/serve-$port.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:$port")
done
for u in "${urls[@]}"; do
  for _ in $(seq 1 100); do curl -fsS "$u/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "$u/healthz" >/dev/null || { echo "server $u did not start"; cat "$work"/serve-*.log; exit 1; }
done

# What the database sessions wait for, sampled every 2 s during the run:
# with many clients, audited requests queue on the audit chain head's row
# lock (Lock/transactionid or tuple) — the deployment-wide serialisation point.
( set +e; sleep 5; while sleep 2; do
    psql "$PGADMIN_URL" -tAc "SELECT w || '=' || n FROM (SELECT coalesce(wait_event_type, 'CPU') || '/' || coalesce(wait_event, '-') AS w, count(*) AS n
      FROM pg_stat_activity WHERE datname = '$DB' AND state = 'active' GROUP BY 1) x ORDER BY n DESC" 2>&1 | paste -sd' ' >>"$work/waits.txt"
  done ) &
sampler=$!
status=0
"$work/kirjaload" -url "$(IFS=,; echo "${urls[*]}")" -token "$token" -clients "$CLIENTS" -duration "$DURATION" \
  -mix "$MIX" -upload-bytes "$UPLOAD_BYTES" || status=$?
echo "== load average after the run $(cut -d' ' -f1-3 /proc/loadavg)"
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
echo "== active database sessions by wait event (samples every 2 s, the busiest first):"
head -n 20 "$work/waits.txt" | sed 's/^/   /'
for p in "${pids[@]}"; do kill "$p"; done
for p in "${pids[@]}"; do wait "$p" || true; done
pids=()
"$work/kirjaamo" audit verify --data "$data" --database-url "$DBURL"
for f in "$work"/serve-*.log; do
  echo "$(basename "$f" .log): scheduler lease taken $(grep -c '"msg":"scheduled work: lease taken' "$f" || true) time(s)"
done
exit $status
