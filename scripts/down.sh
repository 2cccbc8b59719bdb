#!/usr/bin/env bash
# Stops the services started by scripts/up.sh (SIGTERM: in-flight calls finish first).
cd "$(dirname "$0")/.."
for name in comparison-svc catalog-svc; do
  f=".data/$name.pid"
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stopped $name"
  fi
  rm -f "$f"
done
