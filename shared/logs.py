"""Structured JSON logs: the correlation id on every line, the Kafka record on every consumer line."""

import json
import logging
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from shared.context import current_correlation_id, current_message
from shared.telemetry import current_ids
from shared.timeutil import utcnow

if TYPE_CHECKING:
    from starlette.types import Scope

# FastStream warns once per subscriber at every start that it does not create topics: Steward creates
# them itself (KAFKA__CREATE_TOPICS) or operations do, so the warning only misleads.
QUIET_MESSAGES = ("Auto create topics is disabled. Make sure the topics exist.",)
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, service, correlation id, record consumed, message."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        """Render a record as one JSON line."""
        message = current_message()
        entry: dict[str, Any] = {
            "ts": utcnow().isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "service": self._service,
            "correlation_id": (message and message.correlation_id) or current_correlation_id(),
        }
        ids = current_ids()
        if ids is not None:
            entry["trace_id"], entry["span_id"] = ids
        if message is not None:
            entry.update({k: v for k, v in asdict(message).items() if k != "correlation_id"})
        extra = getattr(record, "access", None)
        if isinstance(extra, dict):
            entry.update(extra)
        entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class QuietFilter(logging.Filter):
    """Drops the warnings that are true of the library but not of Steward (see QUIET_MESSAGES)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but the quieted ones."""
        return record.getMessage() not in QUIET_MESSAGES


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send JSON logs to stderr for this process, uvicorn's own lines included."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(QuietFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    for name in UVICORN_LOGGERS:  # uvicorn configured plain-text handlers before it loaded the app
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True


access = logging.getLogger("steward.access")
# Probes and scrapes come every few seconds: their lines only at DEBUG.
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


def access_log(scope: "Scope", route: str, status: int, seconds: float) -> None:
    """One line per request: who (user, roles, cooperative), route template, status, latency; no bodies."""
    level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
    if not access.isEnabledFor(level):
        return
    principal = scope.get("state", {}).get("principal")
    fields = {
        "method": scope.get("method"),
        "route": route,
        "status": status,
        "latency_ms": round(seconds * 1000, 2),
        "user": getattr(principal, "user_id", None),
        "roles": sorted(str(getattr(r, "value", r)) for r in getattr(principal, "roles", ())),
        "cooperative": getattr(principal, "org_id", None),
    }
    access.log(level, "%s %s %s", fields["method"], route, status, extra={"access": fields})
