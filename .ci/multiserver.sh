#!/usr/bin/env bash
# The short multi-server test for CI (issue 9), run by .ci/run after the
# main tests: two `kirjaamo serve` processes on one PostgreSQL database —
# the scheduler lease moves to the survivor when its holder is SIGKILLed;
# 64 clients for 12 s mixing writes, reads, searches and recording uploads,
# one server SIGKILLed mid-load, PostgreSQL stopped and started mid-load;
# every acknowledged write checked and the audit chain verified.
#
# Expects KIRJAAMO_TEST_POSTGRES_URL and a running local PostgreSQL (as
# .ci/run sets up); leaves PostgreSQL running whatever happens. About a
# minute on 2 cores, bounded by the go test timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
: "${KIRJAAMO_TEST_POSTGRES_URL:?KIRJAAMO_TEST_POSTGRES_URL must point at the CI database}"

pg_running() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
ensure_pg() {
  pg_running && return 0
  echo "PostgreSQL is down after the multi-server test; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  for _ in $(seq 1 30); do pg_running && return 0; sleep 1; done
  echo "PostgreSQL did not come back" >&2
  return 1
}
trap ensure_pg EXIT

echo "== multi-server: lease takeover, load with SIGKILL and PostgreSQL restart, full blob disk"
KIRJAAMO_TEST_MULTISERVER=1 KIRJAAMO_TEST_PG_RESTART=1 KIRJAAMO_MULTISERVER_LOAD=12s KIRJAAMO_MULTISERVER_CLIENTS=64 \
  go test -count=1 -timeout 4m -v \
  -run '^(TestMultiServerSchedulerLeaseTakenOverWhenHolderDies|TestMultiServerLoadSIGKILLAndPostgresRestart|TestBlobStoreFullAnswers507AndLeavesNothingHalfWritten)$' \
  ./cmd/kirjaamo
