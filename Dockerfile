# Slim runtime image: non-root user, read-only root filesystem, health checks, no build tools.
# One image, several processes (see compose.yaml): `cockpit serve` (API and thin client),
# `cockpit worker` (webhook delivery), `cockpit audit seal --follow` (the sequencer), and one-shot
# operator commands (`cockpit db upgrade`, `cockpit backup create`).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN python -m pip install --no-cache-dir --upgrade pip \
 && python -m pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
# Production by default: the service refuses to start until real authentication is configured.
# For a demo container set COCKPIT_ENVIRONMENT=dev.
# The root filesystem may be mounted read-only: nothing is written outside /srv/cockpit/var (a
# volume: SQLite file, receipts, backups), /srv/cockpit/keys (a volume or secrets) and /tmp (tmpfs:
# staged uploads). No .pyc files are written at run time.
# Production by default: the service refuses to start until real authentication is configured
# (COCKPIT_AUTH_SIGNING_KEY_DIR, COCKPIT_AUTH_ISSUER, COCKPIT_KEYRING_PATH, COCKPIT_AUDIT_SIGNING_KEY_FILE;
# the German refusal names what is missing). For a demo container set COCKPIT_ENVIRONMENT=dev.
# Behind a reverse proxy, name it so that X-Forwarded-For counts (nobody is trusted by default), e.g.
#   docker run -e COCKPIT_TRUSTED_PROXIES=10.0.0.5 …   (nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for)
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    COCKPIT_ENVIRONMENT=production \
    COCKPIT_DATABASE_URL=sqlite:////srv/cockpit/var/cockpit.db \
    COCKPIT_KEYRING_PATH=/srv/cockpit/keys/keyring.json \
    COCKPIT_AUDIT_SIGNING_KEY_FILE=/srv/cockpit/keys/audit-signing-key.pem \
    COCKPIT_AUTH_SIGNING_KEY_DIR=/srv/cockpit/keys/signing-keys \
    COCKPIT_RECEIPT_DIR=/srv/cockpit/var/receipts \
    COCKPIT_UPLOAD_STAGING_DIR=/tmp
RUN groupadd --system --gid 10001 cockpit \
 && useradd --system --uid 10001 --gid cockpit --home-dir /srv/cockpit --shell /usr/sbin/nologin cockpit
WORKDIR /srv/cockpit
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir /wheels/* && rm -rf /wheels \
 && python -m compileall -q /usr/local/lib/python3.11/site-packages
COPY migrations ./migrations
COPY alembic.ini ./
RUN mkdir -p var keys && chown cockpit:cockpit var keys && chmod 0700 keys
USER 10001:10001
VOLUME ["/srv/cockpit/var", "/srv/cockpit/keys"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=2).status == 200 else 1)"
CMD ["sh", "-c", "cockpit db upgrade && cockpit serve --host 0.0.0.0 --port 8000"]
