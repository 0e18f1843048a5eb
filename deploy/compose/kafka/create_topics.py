"""One-shot job: create every Steward topic with explicit partitions, replication and retention.

    python create_topics.py topics.txt

Runs in the Steward image (it uses the suite's own Kafka client settings, so TLS and SASL work
as they do for the services). Settings come from the environment:

    STEWARD_KAFKA__BOOTSTRAP_SERVERS, STEWARD_KAFKA__SECURITY_PROTOCOL, ... (as for a service)
    STEWARD_KAFKA__TOPIC_PREFIX         prepended to every name, as the services do
    STEWARD_TOPIC_REPLICATION           replication factor (default 1; 3 on a three-broker cluster)
    STEWARD_TOPIC_MIN_INSYNC_REPLICAS   default: 2 when replication >= 3, else 1
    STEWARD_TOPICS_WAIT_SECONDS         how long to wait for the broker (default 120)

Existing topics are left as they are; one with fewer partitions than the table is reported
(adding partitions moves keys between partitions, which breaks per-key order: do it knowingly).
"""

import asyncio
import contextlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from shared.kafka import connection_options, record_bytes
from shared.settings import KafkaSettings, ServiceSettings


@dataclass(frozen=True)
class TopicRow:
    """One line of the topic table."""

    name: str
    partitions: int
    retention_ms: int


def read_table(path: Path) -> list[TopicRow]:
    """The topic table: `name partitions retention.ms` per line, `#` starts a comment."""
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 3:
            raise ValueError(f"{path}:{number}: expected `name partitions retention.ms`, got {line!r}")
        name, partitions, retention = fields
        rows.append(TopicRow(name, int(partitions), int(retention)))
    return rows


def topic_configs(row: TopicRow, min_insync: int, max_bytes: int | None = None) -> dict[str, str]:
    """The per-topic configuration given at creation; `max.message.bytes` as the services expect it."""
    return {
        "cleanup.policy": "delete",
        "retention.ms": str(row.retention_ms),
        "min.insync.replicas": str(min_insync),
        "max.message.bytes": str(max_bytes or record_bytes(KafkaSettings())),
    }


async def _admin(kafka: KafkaSettings, wait_seconds: float) -> AIOKafkaAdminClient:
    deadline = time.monotonic() + wait_seconds
    while True:
        admin = AIOKafkaAdminClient(
            client_id="steward-topics", request_timeout_ms=15_000, **connection_options(kafka)
        )
        try:
            await admin.start()
            return admin
        except KafkaError as exc:
            await admin.close()
            if time.monotonic() > deadline:
                raise
            print(f"kafka not reachable yet ({exc}); retrying", file=sys.stderr)
            await asyncio.sleep(2)


async def create_topics(
    rows: list[TopicRow],
    kafka: KafkaSettings,
    *,
    replication: int,
    min_insync: int,
    wait_seconds: float = 120.0,
    with_configs: bool = True,
) -> tuple[list[str], list[str]]:
    """Create the missing topics; return (created, existing with fewer partitions than asked)."""
    admin = await _admin(kafka, wait_seconds)
    try:
        existing = set(await admin.list_topics())
        wanted = {kafka.topic(r.name): r for r in rows}
        missing = [
            NewTopic(
                name,
                row.partitions,
                replication,
                topic_configs=topic_configs(row, min_insync, record_bytes(kafka)) if with_configs else None,
            )
            for name, row in wanted.items()
            if name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another run created some meanwhile
                await admin.create_topics(missing)
        short: list[str] = []
        present = [name for name in wanted if name in existing]
        if present:
            for topic in await admin.describe_topics(present):
                name = topic["topic"]
                if len(topic["partitions"]) < wanted[name].partitions:
                    short.append(
                        f"{name} has {len(topic['partitions'])} partitions, the table asks for "
                        f"{wanted[name].partitions}"
                    )
        return [t.name for t in missing], short
    finally:
        await admin.close()


def main() -> None:
    """Create the topics of the table given as the only argument."""
    if len(sys.argv) != 2:
        raise SystemExit("usage: create_topics.py TOPICS_TABLE")
    rows = read_table(Path(sys.argv[1]))
    kafka = ServiceSettings().kafka
    replication = int(os.environ.get("STEWARD_TOPIC_REPLICATION", "1"))
    min_insync = int(os.environ.get("STEWARD_TOPIC_MIN_INSYNC_REPLICAS", "2" if replication >= 3 else "1"))
    wait = float(os.environ.get("STEWARD_TOPICS_WAIT_SECONDS", "120"))
    created, short = asyncio.run(
        create_topics(rows, kafka, replication=replication, min_insync=min_insync, wait_seconds=wait)
    )
    for name in created:
        print(f"created {name}")
    for warning in short:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{len(rows)} topics present ({len(created)} created), replication {replication}")


if __name__ == "__main__":
    main()
