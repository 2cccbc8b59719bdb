#!/usr/bin/env bash
# fuzz/run.sh — build the libFuzzer targets with clang and run each for a fixed budget.
#
#   fuzz/run.sh [TARGET...]          (default: every target built from fuzz/targets.cmake)
#
# Environment (all optional):
#   RUNS=10000000     libFuzzer -runs        MAX_TIME=1800  -max_total_time (seconds)
#   CPU=1             core to pin to (taskset -c), so other work keeps the other core
#   NICE=10           nice level              JOBS=1        build parallelism
#   BUILD=<repo>/build-fuzz                   SRC=<repo>    source tree to build
#   FUZZ_ARGS=""      more libFuzzer flags, e.g. "-max_len=4096"
#   NO_BUILD=1        reuse an existing build
#
# Per target it prints executions, seconds, exec/s and crashes, keeps the log in
# $BUILD/fuzz-logs/<target>.log, the growing corpus in $BUILD/fuzz-corpus/<target>/,
# crash/leak/timeout inputs in $BUILD/fuzz-artifacts/<target>/, and appends a line
# to $BUILD/fuzz-results.tsv. Exit status: 1 if any target crashed.
# A crash input belongs, minimised (-minimize_crash=1), in
# tests/fuzz/regressions/<target>/ (see docs/fuzzing.md).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC=${SRC:-$ROOT}
BUILD=${BUILD:-$ROOT/build-fuzz}
RUNS=${RUNS:-10000000}
MAX_TIME=${MAX_TIME:-1800}
CPU=${CPU:-1}
NICE=${NICE:-10}
JOBS=${JOBS:-1}
FUZZ_ARGS=${FUZZ_ARGS:-}
PIN=(taskset -c "$CPU" nice -n "$NICE")
command -v taskset >/dev/null || PIN=(nice -n "$NICE")

command -v clang >/dev/null || { echo "run.sh: clang is required (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }

FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
if [ -z "${NO_BUILD:-}" ]; then
  mkdir -p "$BUILD"
  cmake -S "$SRC" -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" -DPSS_FUZZ=ON \
    -DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_CXX_FLAGS="$FLAGS" >"$BUILD/fuzz-configure.log" 2>&1 ||
    { cat "$BUILD/fuzz-configure.log" >&2; exit 2; }
  "${PIN[@]}" cmake --build "$BUILD" --target fuzz_all -j "$JOBS"
fi
BIN=$BUILD/fuzz-targets

if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  # every target that was built (fuzz/targets.cmake decides which: fuzz_csv needs cli/csv.h)
  mapfile -t TARGETS < <(find "$BIN" -maxdepth 1 -type f -executable -name 'fuzz_*' ! -name fuzz_mkcorpus -printf '%f\n' | sort)
fi

SEEDS=$BUILD/fuzz-corpus-seed
rm -rf "$SEEDS"
"$BIN/fuzz_mkcorpus" "$SRC/data/standards" "$SEEDS"
mkdir -p "$BUILD/fuzz-logs"

# The catalog target keeps its LMDB store on tmpfs when there is one.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then TMPBASE=/dev/shm/pss-fuzz-$$; else TMPBASE=$BUILD/fuzz-tmp-$$; fi
mkdir -p "$TMPBASE"
trap 'rm -rf "$TMPBASE"' EXIT
export PSS_FUZZ_TMP=$TMPBASE
export PSS_FUZZ_STANDARDS=$SRC/data/standards

status=0
printf '%-24s %12s %8s %9s %8s\n' target executions seconds exec/s crashes
for t in "${TARGETS[@]}"; do
  [ -x "$BIN/$t" ] || { echo "run.sh: $BIN/$t not built" >&2; status=1; continue; }
  corpus=$BUILD/fuzz-corpus/$t
  art=$BUILD/fuzz-artifacts/$t
  log=$BUILD/fuzz-logs/$t.log
  mkdir -p "$corpus" "$art"
  seeddir=$SEEDS/$t
  [ -d "$seeddir" ] || seeddir=
  count_art() { find "$art" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l; }
  before=$(count_art)
  start=$(date +%s)
  set +e
  # shellcheck disable=SC2086
  "${PIN[@]}" "$BIN/$t" -runs="$RUNS" -max_total_time="$MAX_TIME" -print_final_stats=1 \
    -timeout=30 -rss_limit_mb=4096 -artifact_prefix="$art/" $FUZZ_ARGS \
    "$corpus" $seeddir >"$log" 2>&1
  rc=$?
  set -e
  secs=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(sed -n 's/.*Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(grep -o '#[0-9]*' "$log" | tail -1 | tr -d '#')
  execs=${execs:-0}
  crashes=$(( $(count_art) - before ))
  [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes="rc=$rc"
  rate=$(( secs > 0 ? execs / secs : execs ))
  printf '%-24s %12s %8s %9s %8s\n' "$t" "$execs" "$secs" "$rate" "$crashes"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$execs" "$secs" "$crashes" "$RUNS/$MAX_TIME" >>"$BUILD/fuzz-results.tsv"
  [ "$rc" -eq 0 ] || status=1
done
exit $status
