"""Structured JSON logs that carry the correlation id."""

import json
import logging
import sys
from typing import Any

from shared.context import current_correlation_id
from shared.timeutil import utcnow


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, service, correlation id, message."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        """Render a record as one JSON line."""
        entry: dict[str, Any] = {
            "ts": utcnow().isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "service": self._service,
            "correlation_id": current_correlation_id(),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send JSON logs to stderr for this process."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
