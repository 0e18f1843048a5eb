# syntax=docker/dockerfile:1
# One image for the four Steward services; the command picks the service:
#   docker run -e STEWARD_SERVICE=customer steward          (or: ... steward steward-service customer)
#   docker run steward steward migrate --service customer   (one-shot migrations)
# Build from the repository root:  docker build -t steward:0.1.0 .
ARG PYTHON_VERSION=3.11.13
ARG DEBIAN_RELEASE=bookworm

# --- build: compile the wheel and install it with its dependencies into a virtualenv -------------
FROM python:${PYTHON_VERSION}-slim-${DEBIAN_RELEASE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# Compilers only for a dependency without a wheel for this platform; they stay in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/steward
WORKDIR /src
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY steward ./steward
RUN /opt/steward/bin/pip install . \
    && /opt/steward/bin/pip uninstall --yes pip
COPY --chmod=0755 deploy/docker/steward_service.py /opt/steward/bin/steward-service

# --- runtime: the virtualenv on a slim Python, as an unprivileged user, no build tools ---------
FROM python:${PYTHON_VERSION}-slim-${DEBIAN_RELEASE} AS runtime
LABEL org.opencontainers.image.title="steward" \
      org.opencontainers.image.description="Steward services: customer, staffing, appraisal, audit" \
      org.opencontainers.image.licenses="Proprietary"
RUN python -m pip uninstall --yes pip setuptools wheel 2>/dev/null || true \
    && groupadd --system --gid 10001 steward \
    && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin steward
COPY --from=build /opt/steward /opt/steward
ENV PATH=/opt/steward/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    STEWARD_SERVICE=""
# Nothing is written outside /tmp: the root filesystem can be mounted read-only.
WORKDIR /tmp
USER 10001:10001
EXPOSE 8001 8002 8003 8004
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["steward-service", "--health"]
STOPSIGNAL SIGTERM
CMD ["steward-service"]
