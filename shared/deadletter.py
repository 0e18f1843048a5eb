"""What a dead letter keeps: a row any database accepts, and a `.dlq` copy the producer can send."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.envelope import Envelope
from shared.timeutil import utcnow

# Room left in a `.dlq` record for the key, the headers Steward adds and Kafka's record overhead.
DLQ_HEADER_BUDGET = 16_384
REASON_CHARS = 4_000


@dataclass(frozen=True)
class Received:
    """A delivered record, independent of the Kafka client that delivered it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]] = field(default_factory=tuple)


def clean(text: str, limit: int | None = None) -> str:
    """Text every database stores: no NUL (PostgreSQL refuses it), no lone surrogates, bounded."""
    text = text.replace("\x00", "\\x00").encode("utf-8", errors="replace").decode("utf-8")
    return text if limit is None else text[:limit]


def decoded_headers(
    headers: Sequence[tuple[str, bytes]], budget: int = DLQ_HEADER_BUDGET // 2
) -> dict[str, str]:
    """The record's headers as clean text, within a size budget (the first ones kept)."""
    kept: dict[str, str] = {}
    used = 0
    for name, value in headers:
        key = clean(name, 128)
        text = clean((value or b"").decode("utf-8", errors="replace"), 1_024)
        used += len(key) + len(text)
        if used > budget:
            kept["dlq.headers-truncated"] = "true"
            break
        kept[key] = text
    return kept


@dataclass(frozen=True)
class DlqCopy:
    """The record published on `<topic>.dlq`."""

    key: str
    value: bytes
    headers: dict[str, str]


def dlq_copy(key: bytes | None, value: bytes | None, headers: dict[str, str], max_bytes: int) -> DlqCopy:
    """The `.dlq` record; a payload too big to publish is truncated and referenced (size and sha256).

    The dead-letter row keeps the whole original, so nothing is lost: the admin API serves and replays it.
    """
    raw = value or b""
    room = max(0, max_bytes - DLQ_HEADER_BUDGET)
    headers = dict(headers)
    if len(raw) > room:
        headers.update(
            {
                "dlq.truncated": "true",
                "dlq.original-size": str(len(raw)),
                "dlq.original-sha256": hashlib.sha256(raw).hexdigest(),
            }
        )
        raw = raw[:room]
    text_key = clean((key or b"").decode("utf-8", errors="replace"), 128) or "-"
    return DlqCopy(key=text_key, value=raw, headers=headers)


def dead_letter_row(
    consumer_id: str, record: Received, reason: str, envelope: Envelope | None, attempts: int
) -> dict[str, Any]:
    """The dead_letters row of a record: its position, original bytes, clean headers and the reason."""
    return {
        "consumer": consumer_id,
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key,
        "value": record.value,
        "headers": decoded_headers(record.headers),
        "event_id": str(envelope.event_id) if envelope else None,
        "event_type": envelope.event_type if envelope else None,
        "reason": reason,
        "attempts": attempts,
        "status": "open",
        "created_at": utcnow(),
    }


def dlq_headers(consumer_id: str, record: Received, reason: str) -> dict[str, str]:
    """The original headers (clean, bounded) plus where the record came from and why it failed."""
    headers = decoded_headers(record.headers)
    headers.update(
        {
            "dlq.reason": reason,
            "dlq.consumer": consumer_id,
            "dlq.topic": record.topic,
            "dlq.partition": str(record.partition),
            "dlq.offset": str(record.offset),
        }
    )
    return headers
