# Parley in one container: the single `parley` binary and the PostgreSQL it embeds, data in /data.
#   docker build -t parley . && docker run -p 8080:8080 -v parley-data:/data parley
# Three stages: install (npm ci) → build (`npm run build:binary`, the release folder) → a slim
# runtime with only that folder. scripts/container-build.ts builds this file with buildah (no
# daemon) and its test runs the image (README, "Docker").

# The base images are arguments only so that a machine without a registry can build from local
# copies (scripts/container-build.ts); everyone else keeps the defaults.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${NODE_IMAGE} AS install
WORKDIR /src
COPY package.json package-lock.json ./
# npm ci's postinstall fixes a pinned dependency in place (scripts/patch-deps.mjs).
COPY scripts/patch-deps.mjs scripts/
RUN npm ci --no-audit --no-fund && npm cache clean --force

FROM install AS build
COPY . .
# dist/release/parley-linux-x64/: the executable `parley` (UI, migrations and GeoIP database
# inside) and postgres/{bin,lib,share} beside it, where the binary looks for PostgreSQL.
RUN npm run build:binary

FROM ${RUNTIME_IMAGE} AS runtime
# `ldd` on the parley binary (Bun) and on postgres, initdb and pg_ctl asks the system only for
# libc, libm, libpthread, libdl, librt, libstdc++ and libgcc_s, all in bookworm-slim; PostgreSQL
# brings its own ICU, OpenSSL, libxml2, zlib and lzma in postgres/lib. The one package added is
# tini, as PID 1: it passes SIGTERM on and reaps what a killed postmaster leaves behind (its
# backends would otherwise stay zombies of the parley process). The health check below uses bash
# alone (no curl, no Node.js).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# PostgreSQL refuses to run as root: everything runs as this user, which owns /data.
RUN groupadd --system --gid 10001 parley \
 && useradd --system --uid 10001 --gid parley --home-dir /data --no-create-home --shell /usr/sbin/nologin parley \
 && mkdir -p /data && chown parley:parley /data && chmod 0700 /data
# Everything but the release itself comes first: these steps do not change between builds, so a
# builder that keeps layers (buildah --layers, Docker's cache) reuses them and only the copy of the
# release below is new. COPY ignores USER: the release belongs to root, read-only for `parley`.
ENV DATA_DIR=/data HOST=0.0.0.0 PORT=8080 PATH=/opt/parley:$PATH
USER parley
WORKDIR /data
VOLUME /data
EXPOSE 8080
# Parley stops on SIGTERM in about a second (sockets closed, queued work kept in the database,
# PostgreSQL shut down fast); tini hands the signal to it.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -c 12 <&3 | grep -q ' 200'"]
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/parley/parley"]
CMD ["start"]
COPY --from=build /src/dist/release/parley-linux-x64/ /opt/parley/
