# mailsetup container image.
#   docker build -t mailsetup .
#   docker run -p 8080:8080 -v "$PWD/config:/etc/mailsetup:ro" mailsetup
# The config is read from /etc/mailsetup/mailsetup.yaml (mount a directory, not a single file,
# so that saving the file or updating a Kubernetes ConfigMap reaches the running service).

FROM node:22-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle.mjs ./scripts/
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-alpine
LABEL org.opencontainers.image.title="mailsetup" \
      org.opencontainers.image.description="Mail client autoconfiguration: Mozilla autoconfig, Microsoft Autodiscover, Apple profiles"
ENV NODE_ENV=production \
    MAILSETUP_CONFIG=/etc/mailsetup/mailsetup.yaml \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The example config, so the image starts as is; a mounted /etc/mailsetup replaces it.
COPY config/mailsetup.yaml /etc/mailsetup/mailsetup.yaml
# The image's own "node" user (uid 1000), numeric so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 8080
# Node's own fetch: no curl or wget in the image.
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/mailsetup.js", "serve"]
