# syntax=docker/dockerfile:1
#
# One Dockerfile for every Tributary service; the build argument APP picks the app under apps/:
#
#   docker build --build-arg APP=orders-api      --build-arg PORT=3000 -t tributary/orders-api .
#   docker build --build-arg APP=order-projector --build-arg PORT=3002 -t tributary/order-projector .
#   docker build --build-arg APP=query-api       --build-arg PORT=3001 -t tributary/query-api .
#   docker build --build-arg APP=cli -t tributary/cli .      # the tributary command, for setup jobs
#
# The CLI image runs `tributary <command>` as `node --import tsx src/main.ts <command>`; it holds
# schemas/avro, so `tributary schemas register` needs nothing mounted.
#
# Any folder under apps/ with src/main.ts and a package named @tributary/<folder> builds this way
# (compose and the Helm chart list each service's APP and PORT).
#
# Workspace packages export their TypeScript sources and run through tsx (a runtime dependency of
# every app), so there is no compile step: the image holds the sources and the app's production
# dependencies only (`npm ci --omit=dev --workspace`), runs as a non-root user and needs no
# writable path (TSX_DISABLE_CACHE=1; mount /tmp writable anyway for anything else).

ARG NODE_VERSION=22

# Only the manifests, so the dependency layer below is rebuilt when they change, not on every
# source edit: BuildKit reuses the install when this stage's output is byte-identical.
FROM node:${NODE_VERSION}-alpine AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -depth -type d -empty -delete

FROM node:${NODE_VERSION}-alpine AS deps
ARG APP
RUN test -n "${APP}" || { echo "build with --build-arg APP=<folder under apps/>" >&2; exit 1; }
WORKDIR /app
COPY --from=manifests /src/ ./
# Production dependencies of this one app and the workspace libraries it uses; no install
# scripts (esbuild, which tsx uses, ships its binary as a platform package).
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace "@tributary/${APP}" \
 && rm -rf /app/node_modules/.cache

# The app's own folder and those of the apps it depends on (the CLI runs the services in process):
# npm linked exactly those under node_modules/@tributary, one link per package, named after its
# folder. The other apps stay out of the image.
FROM node:${NODE_VERSION}-alpine AS apps
ARG APP
WORKDIR /src
COPY apps ./apps
COPY --from=deps /app/node_modules/@tributary ./linked
RUN test -f "apps/${APP}/src/main.ts" || { echo "apps/${APP}/src/main.ts does not exist" >&2; exit 1; } \
 && for dir in apps/*; do [ -L "linked/${dir#apps/}" ] || rm -rf "$dir"; done \
 && rm -rf linked

FROM node:${NODE_VERSION}-alpine AS runtime
ARG APP
ARG PORT=3000
LABEL org.opencontainers.image.title="tributary-${APP}" \
      org.opencontainers.image.source="https://github.com/tributary/tributary"
ENV NODE_ENV=production \
    TSX_DISABLE_CACHE=1 \
    HTTP_HOST=0.0.0.0 \
    TRIBUTARY_APP=${APP} \
    TRIBUTARY_DEFAULT_PORT=${PORT}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY libs ./libs
COPY --from=apps /src/apps ./apps
COPY schemas ./schemas
COPY infra/scripts/healthcheck.mjs ./infra/scripts/
# The app's own folder holds src/main.ts; `--import tsx` resolves from /app/node_modules.
WORKDIR /app/apps/${APP}
# uid 1000 is the image's `node` user; numeric so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "/app/infra/scripts/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/main.ts"]
