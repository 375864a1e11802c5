# One image for every service; SERVICE picks which (gateway, civil-affairs, labour, …, coordination).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf .git tests .ci

FROM node:20-bookworm-slim
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=1 SERVICE=gateway
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 4000
CMD ["sh", "-c", "if [ \"$SERVICE\" = gateway ]; then exec node --import tsx gateway/src/index.ts; else exec node --import tsx subgraphs/$SERVICE/src/index.ts; fi"]
