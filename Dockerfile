# One image for every role; TOUCHPOINT_ROLES picks what a container runs.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/
COPY collector/package.json collector/
COPY agent/package.json agent/
COPY alerting/package.json alerting/
COPY node/package.json node/
COPY dashboards/package.json dashboards/
COPY load-tests/package.json load-tests/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w @touchpoint/agent --if-present
ENV NODE_ENV=production PORT=8080 DATA_DIR=/data UV_THREADPOOL_SIZE=16
EXPOSE 8080
VOLUME /data
CMD ["node", "--import", "tsx", "node/src/main.ts"]
