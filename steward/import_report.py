"""After an import: what each consuming service applied, held and dead-lettered, within a bounded wait.

Consumed is read from the services' consumer groups (their committed offsets pass the last record sent),
dead letters from `<topic>.dlq` (matched by event id), held postings from appraisal's `/ledger/held`.
"""

import asyncio
import importlib
import json
import time
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.contracts import dlq_topic
from shared.kafka import connection_options
from shared.settings import KafkaSettings

SERVICES = ("customer", "staffing", "appraisal", "audit")
POLL_SECONDS = 0.5


@dataclass
class ServiceOutcome:
    """What one consuming service did with the imported events."""

    service: str
    groups: list[str]
    running: bool = True
    caught_up: bool = False
    dead: list[tuple[str, str]] = field(default_factory=list)
    held: int | None = None

    def line(self, sent: int) -> str:
        """One line for the console."""
        if not self.running:
            return f"{self.service}: not consuming now (no member in its consumer group): nothing to report"
        if not self.caught_up:
            return f"{self.service}: not caught up within the wait (it may be down or still busy)"
        applied = sent - len(self.dead) - (self.held or 0)
        text = f"{self.service}: {applied} applied, {self.held or 0} held, {len(self.dead)} dead-lettered"
        if self.dead:
            text += f" (first reason: {self.dead[0][1]})"
        return text


def consumers_of(topic: str, prefix: str) -> dict[str, list[str]]:
    """The consumer groups reading a logical topic, by service."""
    groups: dict[str, list[str]] = {}
    for service in SERVICES:
        module = importlib.import_module(f"services.{service}.consumers")
        for sub in module.SUBSCRIPTIONS:
            if sub.topic == topic:
                groups.setdefault(service, []).append(f"{prefix}steward.{service}.{sub.name}")
    return groups


async def _has_members(admin: AIOKafkaAdminClient, group: str) -> bool:
    """Whether a consumer of the group is connected now (else its service is not running)."""
    for response in await admin.describe_consumer_groups([group]):
        for described in response.groups:
            if described[1] == group and described[5]:
                return True
    return False


async def _caught_up(admin: AIOKafkaAdminClient, group: str, last: dict[TopicPartition, int]) -> bool:
    committed = await admin.list_consumer_group_offsets(group, partitions=list(last))
    return all(committed.get(tp) is not None and committed[tp].offset > offset for tp, offset in last.items())


async def _dead_letters(
    kafka: KafkaSettings, topic: str, event_ids: set[str], seconds: float
) -> list[dict[str, str]]:
    """Dead letters of these event ids on the topic's DLQ: the consumer and the reason of each."""
    consumer = AIOKafkaConsumer(enable_auto_commit=False, **connection_options(kafka))
    await consumer.start()
    found: list[dict[str, str]] = []
    try:
        dlq = dlq_topic(topic)
        partitions = consumer.partitions_for_topic(dlq) or set()
        tps = [TopicPartition(dlq, p) for p in partitions]
        if not tps:
            return found
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and any(
            [await consumer.position(tp) < e for tp, e in ends.items()]
        ):
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    try:
                        event_id = str(json.loads(record.value or b"{}").get("event_id"))
                    except ValueError:
                        continue
                    if event_id in event_ids:
                        headers = {k: v.decode("utf-8", "replace") for k, v in record.headers or ()}
                        found.append(headers | {"event_id": event_id})
        return found
    finally:
        await consumer.stop()


async def _settled_dead_letters(
    kafka: KafkaSettings, topic: str, event_ids: set[str], deadline: float
) -> list[dict[str, str]]:
    """The dead letters once two reads agree: a service publishes them through its outbox, just after."""
    previous: list[dict[str, str]] | None = None
    while True:
        letters = await _dead_letters(kafka, topic, event_ids, seconds=5.0)
        if letters == previous or time.monotonic() >= deadline:
            return letters
        previous = letters
        await asyncio.sleep(1.0)


async def _held(appraisal_url: str, token: str, posting_ids: set[str]) -> int | None:
    try:
        async with httpx.AsyncClient(base_url=appraisal_url, timeout=5.0) as client:
            answer = await client.get(
                "/ledger/held", params={"limit": 1000}, headers={"Authorization": f"Bearer {token}"}
            )
    except httpx.HTTPError:
        return None
    if answer.status_code != 200:
        return None
    return sum(1 for p in answer.json() if p.get("posting_id") in posting_ids)


async def follow(
    kafka: KafkaSettings,
    logical_topic: str,
    last_offsets: dict[int, int],
    event_ids: set[str],
    *,
    wait_seconds: float,
    appraisal_url: str | None = None,
    appraisal_token: str | None = None,
    posting_ids: set[str] | None = None,
) -> list[ServiceOutcome]:
    """Wait (bounded) until every consuming service's groups pass the sent records, then count outcomes."""
    topic = kafka.topic(logical_topic)
    last = {TopicPartition(topic, p): o for p, o in last_offsets.items()}
    outcomes = [
        ServiceOutcome(service, groups)
        for service, groups in consumers_of(logical_topic, kafka.topic_prefix).items()
    ]
    admin = AIOKafkaAdminClient(
        client_id="steward-import", request_timeout_ms=10_000, **connection_options(kafka)
    )
    await admin.start()
    deadline = time.monotonic() + wait_seconds
    try:
        for outcome in outcomes:
            outcome.running = all([await _has_members(admin, g) for g in outcome.groups])
        while True:
            for outcome in outcomes:
                if outcome.running and not outcome.caught_up:
                    checks = [await _caught_up(admin, g, last) for g in outcome.groups]
                    outcome.caught_up = all(checks)
            if all(o.caught_up or not o.running for o in outcomes) or time.monotonic() >= deadline:
                break
            await asyncio.sleep(POLL_SECONDS)
    finally:
        await admin.close()
    letters = await _settled_dead_letters(kafka, topic, event_ids, deadline)
    for outcome in outcomes:
        outcome.dead = sorted(
            {
                (letter["event_id"], letter.get("dlq.reason", ""))
                for letter in letters
                if letter.get("dlq.consumer", "").split(".")[0] == outcome.service
            }
        )
        if (
            outcome.running
            and outcome.service == "appraisal"
            and posting_ids
            and appraisal_url
            and appraisal_token
        ):
            outcome.held = await _held(appraisal_url, appraisal_token, posting_ids)
    return outcomes


def reader_token(org_id: str) -> str:
    """A short-lived auditor token for the held-postings query, signed as `steward token` signs."""
    from shared.auth import issue_token
    from shared.settings import ServiceSettings

    return issue_token(
        ServiceSettings(),
        user_id="steward-import",
        roles=["auditor"],
        org_id=org_id,
        ttl=timedelta(minutes=5),
    )
