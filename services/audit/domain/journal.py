"""The tamper-evident journal: every row holds the hash of the one before it."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    """What a journal row commits to."""

    seq: int
    event_id: str
    event_type: str
    topic: str
    org_id: str
    occurred_at: str
    body_sha256: str


def chain_hash(previous: str, entry: Entry) -> str:
    """The row's hash: SHA-256 over the previous hash and the row's canonical content."""
    canonical = json.dumps(
        [
            previous,
            entry.seq,
            entry.event_id,
            entry.event_type,
            entry.topic,
            entry.org_id,
            entry.occurred_at,
            entry.body_sha256,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def first_broken(rows: Iterable[tuple[Entry, str, str]]) -> int | None:
    """Walk (entry, stored previous, stored hash) rows in order; the seq of the first that does not chain."""
    expected_previous = GENESIS
    for entry, previous, stored in rows:
        if previous != expected_previous or chain_hash(previous, entry) != stored:
            return entry.seq
        expected_previous = stored
    return None
