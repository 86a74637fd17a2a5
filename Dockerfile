# The hub's image: gateway and worker run from the same build (docker-compose.yml picks the role).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NG_CLI_ANALYTICS=false NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:portal
USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/hub"]
CMD ["gateway"]
