#!/bin/sh
# The benchmark of issue 6 in one command: builds (Release, in build-bench/), generates the
# country-scale dataset, starts the servers on 127.0.0.1, prints the table and writes
# bench/results.json. Options are passed to bench/run.py (--repeats, --duration, …).
# Needs: libgrpc++-dev protobuf-compiler-grpc (C++ echo peer), nghttp2-client (h2load).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PSS_BENCH_BUILD:-$ROOT/build-bench}
missing=""
for p in libgrpc++-dev protobuf-compiler-grpc nghttp2-client; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y $missing; else sudo apt-get install -y $missing; fi
fi
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target catalog-svc comparison-svc bench_echo_server \
  bench_loadgen bench_import bench_compare >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target bench_echo_server_cxx >/dev/null 2>&1 || \
  echo "note: no C++ echo peer (libgrpc++ missing)" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec python3 "$ROOT/bench/run.py" --build "$BUILD" "$@"
