# Multi-stage build of catalog-svc, comparison-svc and stdctl.
#   docker build -t pss .        (compose.yaml builds it for both services)
# The runtime stage carries only the runtime libraries the binaries link
# (tests/deploy/test_dockerfile.py checks this list against ldd of the build).

FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config \
      libgrpc-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler grpc-proto \
      liblmdb-dev libcmocka-dev libjansson-dev libutf8proc-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build /build -j"$(nproc)" --target catalog-svc comparison-svc stdctl

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libgrpc29 libprotobuf-c1 liblmdb0 libjansson4 libutf8proc2 libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/pss --create-home pss \
 && install -d -o pss -g pss /var/lib/pss/catalog
COPY --from=build /build/catalog-svc/catalog-svc /build/comparison-svc/comparison-svc /build/cli/stdctl /usr/local/bin/
COPY data/standards /usr/share/pss/standards
USER pss
WORKDIR /var/lib/pss
ENV CATALOG_DATA_DIR=/var/lib/pss/catalog \
    CATALOG_SEED_DIR=/usr/share/pss/standards
STOPSIGNAL SIGTERM
EXPOSE 7001 7002
CMD ["catalog-svc"]
