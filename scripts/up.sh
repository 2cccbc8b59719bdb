#!/usr/bin/env bash
# Installs dependencies, builds, and starts both services locally with the embedded
# default: LMDB under .data/catalog, fixture standards from data/standards loaded
# (idempotent: re-running skips what is already stored identically).
#   catalog-svc     on ${CATALOG_LISTEN:-127.0.0.1:7001}
#   comparison-svc  on ${COMPARISON_LISTEN:-127.0.0.1:7002}
# Logs: .data/*.log (JSON lines). Stop with ./scripts/down.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p .data
export CATALOG_LISTEN=${CATALOG_LISTEN:-127.0.0.1:7001}
export CATALOG_DATA_DIR=${CATALOG_DATA_DIR:-$PWD/.data/catalog}
export COMPARISON_LISTEN=${COMPARISON_LISTEN:-127.0.0.1:7002}
export COMPARISON_CATALOG=${COMPARISON_CATALOG:-$CATALOG_LISTEN}
STDCTL=build/cli/stdctl

start() {  # name, command...
  local name=$1; shift
  if [ -f ".data/$name.pid" ] && kill -0 "$(cat ".data/$name.pid")" 2>/dev/null; then
    echo "$name already running (pid $(cat ".data/$name.pid"))"
    return
  fi
  nohup "$@" >>".data/$name.log" 2>&1 &
  echo $! >".data/$name.pid"
}

wait_healthy() {  # name, addr
  for _ in $(seq 1 100); do
    "$STDCTL" health "$2" >/dev/null 2>&1 && { echo "$1 serving on $2"; return 0; }
    sleep 0.1
  done
  echo "$1 did not become healthy; see .data/$1.log" >&2
  tail -5 ".data/$1.log" >&2
  return 1
}

start catalog-svc build/catalog-svc/catalog-svc
wait_healthy catalog-svc "$CATALOG_LISTEN"
"$STDCTL" --catalog "$CATALOG_LISTEN" import data/standards/*.json
if [ -x build/comparison-svc/comparison-svc ]; then
  start comparison-svc build/comparison-svc/comparison-svc
  wait_healthy comparison-svc "$COMPARISON_LISTEN"
fi
echo
echo "Try:  $STDCTL --catalog $CATALOG_LISTEN list"
echo "      $STDCTL --catalog $CATALOG_LISTEN --comparison $COMPARISON_LISTEN compare 330782/2021 --format md"
