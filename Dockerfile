# syntax=docker/dockerfile:1
# A Mr.Market node: one image for web (gunicorn), workers, beat and Flower (compose.yaml).
# Build: docker build -t mrmarket .   Deploy: docs/deploy.md.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN pip install --upgrade pip setuptools && pip install .
COPY . .
# Static files collected once, hashed and compressed for whitenoise. The settings need a
# key to load; these build-time values never reach a running container.
RUN DEBUG=false SECRET_KEY=collectstatic-only \
    FIELD_ENCRYPTION_KEYS=ZmFrZS1idWlsZC10aW1lLWtleS0zMi1ieXRlcyEhISE= \
    REPORT_SIGNING_KEY=0000000000000000000000000000000000000000000000000000000000000000 \
    STATIC_ROOT=/src/staticfiles MRMARKET_VAR_DIR=/tmp/var \
    python manage.py collectstatic --noinput

FROM python:3.11-slim AS runtime
# The commit the image is built from, published on /proof/ (the image holds no .git):
#   docker build --build-arg MRMARKET_CODE_VERSION=$(git rev-parse HEAD) -t mrmarket .
ARG MRMARKET_CODE_VERSION=unknown
ENV MRMARKET_CODE_VERSION=$MRMARKET_CODE_VERSION
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    STATIC_ROOT=/app/staticfiles MRMARKET_VAR_DIR=/var/lib/mrmarket
RUN groupadd --system --gid 10001 mrmarket \
    && useradd --system --uid 10001 --gid mrmarket --home-dir /app --shell /usr/sbin/nologin mrmarket \
    && install -d -o mrmarket -g mrmarket -m 0700 /var/lib/mrmarket
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --from=build --chown=root:root /src /app
USER mrmarket
EXPOSE 8000
# gunicorn, never runserver; a worker that hangs is replaced after 60 s.
CMD ["gunicorn", "mrmarket.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
# /healthz as the proxy would ask for it: under the node's host name, over HTTPS.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["python", "-c", "import os, urllib.request; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0]; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}), timeout=4)"]
