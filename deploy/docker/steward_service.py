#!/usr/bin/env python3
"""Container entry point: run one Steward service under uvicorn, or check its health.

Installed in the image as `steward-service`:

    steward-service customer            # run the customer service (exec, so it is PID 1's child)
    steward-service --health customer   # exit 0 when GET /healthz answers 200, else 1
    steward-service                      # the service named by STEWARD_SERVICE

The port and address come from the service's own settings variables, STEWARD_<SERVICE>_HTTP_PORT
(default: the suite's port, 8001..8004) and STEWARD_<SERVICE>_HTTP_HOST (default 0.0.0.0 in a
container, so the pod or container network reaches it).
"""

import os
import sys
import urllib.request
from collections.abc import Mapping, Sequence

PORTS = {"customer": 8001, "staffing": 8002, "appraisal": 8003, "audit": 8004}
USAGE = "usage: steward-service [--health] customer|staffing|appraisal|audit"


def address(service: str, env: Mapping[str, str]) -> tuple[str, int]:
    """The host and port the service listens on, from its settings variables."""
    prefix = f"STEWARD_{service.upper()}_"
    host = env.get(f"{prefix}HTTP_HOST") or "0.0.0.0"  # noqa: S104 - a container listens on its interface
    port = int(env.get(f"{prefix}HTTP_PORT") or PORTS[service])
    return host, port


def command(service: str, env: Mapping[str, str]) -> list[str]:
    """The uvicorn command line that serves one service."""
    host, port = address(service, env)
    return [
        "uvicorn",
        "--factory",
        f"services.{service}.app:app",
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-graceful-shutdown",
        env.get("STEWARD_GRACEFUL_SHUTDOWN_SECONDS", "20"),
    ]


def parse(argv: Sequence[str], env: Mapping[str, str]) -> tuple[bool, str]:
    """(health check?, service) from the arguments, falling back to STEWARD_SERVICE."""
    args = list(argv)
    health = "--health" in args
    rest = [a for a in args if a != "--health"]
    service = rest[0] if rest else env.get("STEWARD_SERVICE", "")
    if service not in PORTS or len(rest) > 1:
        raise SystemExit(USAGE)
    return health, service


def healthy(service: str, env: Mapping[str, str]) -> bool:
    """Whether the service answers its liveness endpoint on the loopback interface."""
    _host, port = address(service, env)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def main() -> None:
    """Run or health-check the service."""
    health, service = parse(sys.argv[1:], os.environ)
    if health:
        raise SystemExit(0 if healthy(service, os.environ) else 1)
    argv = command(service, os.environ)
    os.execvp(argv[0], argv)  # noqa: S606 - replaces this process, so signals reach uvicorn


if __name__ == "__main__":
    main()
