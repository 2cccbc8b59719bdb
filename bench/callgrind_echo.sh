#!/bin/sh
# Instructions per echo call of our RPC layer (server process, gRPC core included), with
# callgrind: bench_echo_server under `h2load -n N -c 1 -m 8` for N = 2,000 and 12,000; the
# difference of the totals divided by 10,000 cancels startup and shutdown.
#   bench/callgrind_echo.sh [BUILD_DIR]     (default build-bench; needs valgrind, h2load)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$ROOT/build-bench}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$B/bench/bench_loadgen" --method echo --write-body "$W/echo.body" >/dev/null
run() { # N PORT -> total instructions
  valgrind --tool=callgrind --callgrind-out-file="$W/cg.$1" "$B/bench/bench_echo_server" \
    --listen 127.0.0.1:$2 --threads 2 --count-file "$W/count" >"$W/log.$1" 2>&1 &
  vp=$!
  i=0
  until grep -q listening "$W/log.$1" 2>/dev/null; do i=$((i + 1)); [ $i -lt 200 ] || exit 1; sleep 0.2; done
  h2load -n "$1" -c 1 -m 8 --data="$W/echo.body" -H 'content-type: application/grpc' \
    -H 'te: trailers' "http://127.0.0.1:$2/pss.bench.v1.Echo/Echo" >"$W/h2.$1" 2>&1
  kill -TERM $vp; wait $vp || true
  grep -q "$1 succeeded" "$W/h2.$1" || { echo "h2load: not all calls succeeded" >&2; exit 1; }
  sed -n 's/^totals: *//p' "$W/cg.$1"
}
a=$(run 2000 47311)
b=$(run 12000 47312)
echo "instructions per echo call: $(( (b - a) / 10000 ))  (totals: $a for 2,000 calls, $b for 12,000)"
