# cli-proxy-api in a container: the same paths as the Go CLIProxyAPI image, so its
# docker-compose volumes and commands work unchanged (README "Docker", docs/deployment.md).
#   config:    /CLIProxyAPI/config.yaml
#   auth-dir:  /root/.cli-proxy-api   (config.example.yaml's "~/.cli-proxy-api")
#   logs:      /CLIProxyAPI/logs
# It runs as the unprivileged user "node" (uid 1000) with HOME=/root, so "~" still means /root.

# 1. the runtime dependencies alone
FROM node:20-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# 2. the compiled code (TypeScript needs the dev dependencies)
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 3. what runs
FROM node:20-slim
ENV NODE_ENV=production \
    HOME=/root
WORKDIR /app
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json config.example.yaml ./
COPY data ./data
RUN chmod 0755 /root /app/dist/main.js \
 && ln -s /app/dist/main.js /usr/local/bin/cli-proxy-api \
 && mkdir -p /root/.cli-proxy-api /CLIProxyAPI/logs \
 && cp /app/config.example.yaml /CLIProxyAPI/config.example.yaml \
 && chown -R node:node /root/.cli-proxy-api /CLIProxyAPI
USER node
WORKDIR /CLIProxyAPI
# the API, then the login callbacks: Gemini 8085, Codex 1455, Claude 54545, iFlow 11451
EXPOSE 8317 8085 1455 54545 11451
CMD ["cli-proxy-api", "serve", "--config", "/CLIProxyAPI/config.yaml"]
