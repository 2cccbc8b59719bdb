#!/usr/bin/env bash
# Installs the Debian packages the build, the services and the tests need.
# Runs apt-get only when something is missing (so it is cheap to call every time).
set -euo pipefail
PKGS=(build-essential cmake pkg-config
      libgrpc-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler grpc-proto
      liblmdb-dev lmdb-utils libssl-dev libcmocka-dev libjansson-dev libutf8proc-dev
      python3 python3-grpcio python3-protobuf protobuf-compiler-grpc
      valgrind docker-compose python3-yaml binutils openssl)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing: ${missing[*]}" >&2
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
