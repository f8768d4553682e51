# One container: the Parley process and its embedded PostgreSQL, data in the /data volume.
# docker build -t parley . && docker run -p 8080:8080 -v parley-data:/data parley
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data PORT=8080
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
RUN ./node_modules/.bin/bun scripts/build-ui.ts
# PostgreSQL refuses to run as root: run everything as an ordinary user that owns /data.
RUN useradd --system --create-home parley && mkdir -p /data && chown parley /data
USER parley
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# --smol: a smaller heap that is collected more often; 10,000 idle widget sockets take about a
# third of the memory (scripts/bench, README "Benchmarks").
CMD ["./node_modules/.bin/bun", "--smol", "server/main.ts"]
