"""The tamper-evident journal: every row holds the hash of the one before it."""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

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


@dataclass(frozen=True)
class Link:
    """One appended row: the entry, the hash it chains on from, and its own hash."""

    entry: Entry
    previous: str
    hash: str


def body_hash(body: bytes | None) -> str:
    """What a row commits to of the event's body: its SHA-256."""
    return hashlib.sha256(body or b"").hexdigest()


def extend(head: tuple[int, str] | None, entries: Iterable[Entry]) -> list[Link]:
    """Chain entries on after the head (seq, hash); numbered from the head's seq, or from 1 on the genesis."""
    seq, previous = head or (0, GENESIS)
    links: list[Link] = []
    for entry in entries:
        seq += 1
        numbered = replace(entry, seq=seq)
        links.append(Link(numbered, previous, chain_hash(previous, numbered)))
        previous = links[-1].hash
    return links


def verify(rows: Sequence[tuple[Entry, str, str]], head: tuple[int, str] | None) -> int | None:
    """The seq of the first row that does not chain, or where the chain no longer reaches its head.

    The head (seq, hash) is read before the rows: every row up to it is there, and rows beyond it
    (a concurrent append) must chain on from it. A changed head row, or rows cut off the end, break it.
    """
    broken = first_broken(rows)
    if broken is not None or head is None:
        return broken
    seq, digest = head
    stored = {entry.seq: hashed for entry, _, hashed in rows}
    if stored.get(seq) == digest:
        return None
    return seq if seq in stored else (rows[-1][0].seq + 1 if rows else 1)
