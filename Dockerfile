# syntax=docker/dockerfile:1
# One image for every service: SERVICE picks which (gateway, civil-affairs, labour, health, education,
# housing, justice, disabled-persons-federation, coordination, audit), at build time (--build-arg) or at
# run time (-e SERVICE=labour). Production dependencies only, no tests, no .git, runs as `node`.
#   docker build -t saf:$(git rev-parse --short HEAD) .
# Keep the Node version in step with package.json "engines" and the machines (FIELD-NOTES: 20.20).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# The caseworker console: built with the dev dependencies (Vite, React) in a stage of its own;
# only its static files (console/dist) reach the image, served by the gateway at /.
FROM ${NODE_IMAGE} AS console
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY . .
RUN npm ci --ignore-scripts && npm run console:build

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# The build context is filtered by .dockerignore: no node_modules, .git, tests, test folders, docs.
COPY . .
# tests/ and console/ are workspaces npm ci needs; neither ships (the console as built files only).
# The services are compiled to JavaScript (scripts/bundle.mjs --image, esbuild, into dist/) and run
# on plain Node: under tsx each process cost ~2 s more CPU to start and 30-40 MB more memory.
RUN npm ci --omit=dev \
 && rm -rf tests console node_modules/@saf/tests node_modules/@saf/console \
 && node scripts/bundle.mjs --image \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ARG SERVICE=gateway
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=1 \
    SERVICE=${SERVICE} \
    DATA_DIR=/data \
    npm_config_update_notifier=false
WORKDIR /app
# Code and dependencies belong to root and are read-only for the service; only /data is writable
# (embedded PGlite when no DATABASE_URL is given: development and single-machine trials only).
# dist/: the compiled services; the sources stay beside it (their schema.graphql, migrations and the
# console are found from the source paths) and for the operator's commands, which run under tsx
# (tsconfig.json: the same settings as development).
COPY --from=build /app/package.json /app/package-lock.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/subgraphs ./subgraphs
COPY --from=build /app/gateway ./gateway
COPY --from=build /app/registry ./registry
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/dist ./dist
COPY --from=console /app/console/dist ./console/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# The gateway listens on GATEWAY_PORT (4000); subgraphs on SUBGRAPH_PORT_BASE + 1..9 or <SERVICE>_PORT.
EXPOSE 4000 4001 4002 4003 4004 4005 4006 4007 4008 4009
# Readiness of whichever service this container runs (/health/ready on its own port).
HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "dist/scripts/healthcheck.mjs"]
# exec: node is PID 1 and gets SIGTERM itself; the services drain on it.
CMD ["sh", "-c", "if [ \"$SERVICE\" = gateway ]; then exec node dist/gateway/src/index.mjs; elif [ \"$SERVICE\" = registry ]; then exec node dist/registry/src/index.mjs; else exec node \"dist/subgraphs/$SERVICE/src/index.mjs\"; fi"]
