"""Logs: every consumer line names its record and event; uvicorn's lines are JSON; no misleading warning."""

import io
import json
import logging
from contextlib import contextmanager

from shared.logs import JsonFormatter, QuietFilter, configure_logging
from tests.inprocess import serve_offline


@contextmanager
def json_lines(service: str):
    """Log lines of this process as the service writes them (formatted when emitted, as in production)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(QuietFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        lines.extend(json.loads(line) for line in out.getvalue().splitlines())


async def test_every_consumer_line_names_topic_partition_offset_event_and_correlation(tmp_path):
    bad_posting = {
        "posting_id": "p-1",
        "customer_id": "c-1",
        "period": "2026-13",
        "product": "贷款",
        "amount": "1.00",
        "posted_on": "2026-01-31",
    }
    async with serve_offline("customer", tmp_path / "c.db") as svc:
        with json_lines("customer") as lines:
            outcome = await svc.deliver(
                "corebanking.pnl", "profit.posted", "c-1", bad_posting, correlation_id="corr-42"
            )
    assert outcome.value == "dead_lettered"
    [line] = [entry for entry in lines if entry["message"].startswith("dead-lettered")]
    assert line["topic"].endswith("corebanking.pnl")
    assert isinstance(line["partition"], int)
    assert isinstance(line["offset"], int)
    assert line["event_type"] == "profit.posted"
    assert line["event_id"]
    assert line["correlation_id"] == "corr-42"


def test_uvicorn_lines_are_json_and_the_topic_creation_warning_is_gone(capsys):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    uvicorn = logging.getLogger("uvicorn.error")
    uvicorn.handlers[:] = [logging.StreamHandler()]  # as uvicorn's own logging config leaves it
    uvicorn.propagate = False
    try:
        configure_logging("staffing", "INFO")
        uvicorn.info("Started server process [%d]", 42)
        logging.getLogger("steward.staffing.broker").warning(
            "Auto create topics is disabled. Make sure the topics exist."
        )
        logging.getLogger("steward.staffing.broker").warning("a real warning")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(entry["logger"], entry["message"]) for entry in lines] == [
        ("uvicorn.error", "Started server process [42]"),
        ("steward.staffing.broker", "a real warning"),
    ]
