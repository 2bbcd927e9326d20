# Slim runtime image: non-root user, health check, no build tools in the final layer.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN python -m pip install --no-cache-dir --upgrade pip \
 && python -m pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
# Production by default: the service refuses to start until real authentication is configured
# (COCKPIT_AUTH_SIGNING_KEY_DIR, COCKPIT_AUTH_ISSUER, COCKPIT_KEYRING_PATH, COCKPIT_AUDIT_SIGNING_KEY_FILE;
# the German refusal names what is missing). For a demo container set COCKPIT_ENVIRONMENT=dev.
# Behind a reverse proxy, name it so that X-Forwarded-For counts (nobody is trusted by default), e.g.
#   docker run -e COCKPIT_TRUSTED_PROXIES=10.0.0.5 …   (nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for)
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    COCKPIT_ENVIRONMENT=production \
    COCKPIT_DATABASE_URL=sqlite:////srv/cockpit/var/cockpit.db
RUN groupadd --system cockpit && useradd --system --gid cockpit --home-dir /srv/cockpit cockpit
WORKDIR /srv/cockpit
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY --chown=cockpit:cockpit migrations ./migrations
COPY --chown=cockpit:cockpit alembic.ini ./
RUN mkdir -p var && chown cockpit:cockpit var
USER cockpit
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=2).status == 200 else 1)"
CMD ["sh", "-c", "cockpit db upgrade && cockpit serve --host 0.0.0.0 --port 8000"]
