# The hub's image: gateway and worker run from the same build (docker-compose.yml picks the role).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NG_CLI_ANALYTICS=false NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:portal
# The gateway's keys (SFTP host key, AS2 key pair) live here, in a volume the node user can write.
RUN mkdir -p /var/lib/einvoice-hub && chown node:node /var/lib/einvoice-hub
USER node
EXPOSE 8080 2222
ENTRYPOINT ["node", "bin/hub"]
CMD ["gateway"]
