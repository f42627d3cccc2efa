#!/usr/bin/env bash
# Builds and starts an S3-compatible server for the blob/s3 tests:
# versitygw (Versity S3 Gateway, Apache-2.0), a posix-backed S3 server, built
# from the Go module proxy at a pinned version into a cache directory (the
# build is skipped when the binary is already there).
#
#   eval "$(bash .ci/s3-server.sh)"
#
# prints the exports the tests read:
#   KIRJAAMO_TEST_S3_URL       a server on a directory under $STATE
#   KIRJAAMO_TEST_S3_FULL_URL  a server on a 2 MiB tmpfs (full-store tests),
#                              only where mounting a tmpfs is allowed
# The servers listen on 127.0.0.1 only, with throwaway credentials, and are
# left running; `bash .ci/s3-server.sh stop` stops them. Everything else it
# says goes to stderr.
set -euo pipefail
export PATH="/usr/local/go/bin:$PATH"

VERSION=v1.8.0
CACHE="${KIRJAAMO_S3_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kirjaamo-ci}"
BIN="$CACHE/versitygw-$VERSION"
STATE="${KIRJAAMO_S3_STATE:-/tmp/kirjaamo-s3}"
PORT="${KIRJAAMO_S3_PORT:-7070}"
FULL_PORT=$((PORT + 1))
FULL_CAPACITY=$((2 << 20))
ACCESS=kirjaamo-test
SECRET=kirjaamo-test-secret # throwaway, loopback only
BUCKET=kirjaamo-test

log() { echo "s3-server: $*" >&2; }

stop() {
  for pidfile in "$STATE"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$pidfile"
  done
  if mountpoint -q "$STATE/full" 2>/dev/null; then umount "$STATE/full" || true; fi
}

if [ "${1:-}" = stop ]; then stop; exit 0; fi

if [ ! -x "$BIN" ]; then
  log "building versitygw $VERSION (first run only; a few minutes on 2 cores)"
  start=$(date +%s)
  mkdir -p "$CACHE/bin"
  # GOFLAGS from .ci/run (-mod=readonly) concern this module, not the tool.
  GOFLAGS= GOBIN="$CACHE/bin" go install "github.com/versity/versitygw/cmd/versitygw@$VERSION" >&2
  mv "$CACHE/bin/versitygw" "$BIN"
  log "built in $(( $(date +%s) - start )) s"
fi

# start NAME PORT ROOT: a gateway on ROOT with the test bucket, waited for.
start() {
  local name=$1 port=$2 root=$3
  if [ -e "$STATE/$name.pid" ] && kill -0 "$(cat "$STATE/$name.pid")" 2>/dev/null; then
    return 0 # already running (a second call in the same session)
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is taken by another process; set KIRJAAMO_S3_PORT"
    return 1
  fi
  mkdir -p "$root/$BUCKET"
  # setsid: the gateway must outlive this script and not get the caller's
  # terminal signals; its output goes to a log next to its data.
  ROOT_ACCESS_KEY="$ACCESS" ROOT_SECRET_KEY="$SECRET" \
    setsid "$BIN" --port "127.0.0.1:$port" --keep-alive --quiet posix "$root" \
    >"$STATE/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
  local pid
  pid=$(cat "$STATE/$name.pid")
  for _ in $(seq 1 50); do
    # Ours must still run: a port already taken by something else would
    # answer while our gateway exits.
    kill -0 "$pid" 2>/dev/null || break
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  log "versitygw on port $port did not start (port taken? set KIRJAAMO_S3_PORT); its log:"
  cat "$STATE/$name.log" >&2
  return 1
}

mkdir -p "$STATE"
start main "$PORT" "$STATE/data"
echo "export KIRJAAMO_TEST_S3_URL='http://$ACCESS:$SECRET@127.0.0.1:$PORT/$BUCKET'"

# The full-store server needs a small filesystem: a tmpfs, where allowed.
mkdir -p "$STATE/full"
if mountpoint -q "$STATE/full" || mount -t tmpfs -o "size=$FULL_CAPACITY,mode=0700" tmpfs "$STATE/full" 2>/dev/null; then
  start full "$FULL_PORT" "$STATE/full"
  echo "export KIRJAAMO_TEST_S3_FULL_URL='http://$ACCESS:$SECRET@127.0.0.1:$FULL_PORT/$BUCKET?capacity=$FULL_CAPACITY'"
else
  log "cannot mount a tmpfs here: the full-store tests will be skipped"
fi
