"""`steward risk-desk`: a simulated risk department, so a cooperative can try the full credit loop.

It reads `customer.credit-recommendations` (and `corebanking.balances`, for overdue loans) and answers
on `risk.credit-decisions` and `risk.customer-ratings` by simple rules. Its event ids are derived from
the recommendation, so a redelivered recommendation yields the same events and the consumers skip them.
"""

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any
from uuid import NAMESPACE_URL, uuid5

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.contracts import EVENT_TYPES
from shared.contracts.corebanking import BalanceReported, CustomerRated
from shared.contracts.credit import (
    CreditDecisionMade,
    CreditQuestion,
    CreditRecommendationAnswered,
    CreditRecommendationSubmitted,
)
from shared.envelope import Actor, Envelope, EnvelopeError, parse_envelope
from shared.kafka import connection_options, ensure_topics, producer_options, topics_with_dlq
from shared.money import FEN, Money
from shared.timeutil import utcnow
from steward.importer import ClientKafkaSettings

log = logging.getLogger("steward.risk_desk")
NAMESPACE = uuid5(NAMESPACE_URL, "steward:risk-desk")
READS = ("customer.credit-recommendations", "corebanking.balances")
WRITES = ("risk.credit-decisions", "risk.customer-ratings")
QUESTION = "Latest audited accounts and a cash-flow forecast for the term of the loan?"


class RiskDeskSettings(BaseSettings):
    """The desk's rules and broker (prefix STEWARD_RISK_DESK_; Kafka nested with __)."""

    model_config = SettingsConfigDict(
        env_prefix="STEWARD_RISK_DESK_", env_nested_delimiter="__", extra="ignore"
    )

    kafka: ClientKafkaSettings = Field(default_factory=ClientKafkaSettings)
    approve_up_to: Money = Field(default=Decimal("1000000"), description="approved as asked up to this")
    decline_above: Money = Field(default=Decimal("5000000"), description="declined above this")
    credit_line_ratio: Decimal = Field(default=Decimal("1.10"), ge=1, le=10, description="line = amount x")
    question_due_days: int = Field(default=14, ge=1, le=365, description="between the two: one question")
    overdue_tolerance: Money = Field(default=Decimal("0"), description="declined when overdue is above")
    user_id: str = Field(default="risk-desk", min_length=1, max_length=128)


@dataclass(frozen=True)
class Verdict:
    """What the desk answers to one recommendation."""

    decision: CreditDecisionMade
    rating: CustomerRated


def assess(
    rules: RiskDeskSettings,
    rec: CreditRecommendationSubmitted,
    overdue: Decimal,
    today: date,
    answered: bool = False,
) -> Verdict:
    """The rules: overdue or too large is declined; small is approved; in between, one question first."""
    flags = ("overdue-balance",) if overdue > 0 else ()
    rating = CustomerRated(
        customer_id=rec.customer_id,
        rating="C" if overdue > 0 else ("A" if rec.amount <= rules.approve_up_to else "B"),
        warning_flags=flags,
    )
    if overdue > rules.overdue_tolerance:
        return Verdict(_declined(rec, f"overdue balance of {overdue} at core banking"), rating)
    if rec.amount > rules.decline_above:
        return Verdict(_declined(rec, f"above the desk's limit of {rules.decline_above}"), rating)
    if rec.amount <= rules.approve_up_to or answered:
        line = (rec.amount * rules.credit_line_ratio).quantize(FEN)
        decision = CreditDecisionMade(
            recommendation_id=rec.recommendation_id,
            decision="approved",
            approved_amount=rec.amount,
            credit_line=line,
            reason="approved by the risk desk's rules",
        )
        return Verdict(decision, rating)
    question = CreditQuestion(question=QUESTION, due_date=today + timedelta(days=rules.question_due_days))
    decision = CreditDecisionMade(
        recommendation_id=rec.recommendation_id,
        decision="more_information",
        reason=f"above {rules.approve_up_to}: more information needed",
        questions=(question,),
    )
    return Verdict(decision, rating)


def _declined(rec: CreditRecommendationSubmitted, reason: str) -> CreditDecisionMade:
    return CreditDecisionMade(recommendation_id=rec.recommendation_id, decision="declined", reason=reason)


@dataclass(frozen=True)
class Outgoing:
    """One message the desk publishes."""

    topic: str
    key: str
    value: bytes


@dataclass
class RiskDesk:
    """Consumes recommendations and balances; publishes decisions and ratings; commits after publishing."""

    settings: RiskDeskSettings
    waiting: dict[tuple[str, str], CreditRecommendationSubmitted] = field(default_factory=dict)
    overdue: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    published: int = 0

    def handle(self, raw: bytes | None, today: date | None = None) -> list[Outgoing]:
        """What to publish for one consumed message (nothing for what the desk does not act on)."""
        try:
            envelope = parse_envelope(raw)
            contract = EVENT_TYPES.get(envelope.event_type)
            if contract is None:
                return []
            payload = contract.payload.model_validate(envelope.payload)
        except (EnvelopeError, ValidationError) as exc:
            log.warning("skipping a message the desk cannot read: %s", exc)
            return []
        day = today or utcnow().date()
        org = envelope.org_id
        if isinstance(payload, BalanceReported):
            self.overdue[(org, payload.reference)] = payload.overdue  # v2 by number: never matches a rec
            return []
        if isinstance(payload, CreditRecommendationSubmitted):
            overdue = self.overdue.get((org, payload.customer_id), Decimal(0))
            verdict = assess(self.settings, payload, overdue, day)
            if verdict.decision.decision == "more_information":
                self.waiting[(org, payload.recommendation_id)] = payload
            return self._answer(envelope, verdict, "submitted")
        if isinstance(payload, CreditRecommendationAnswered):
            rec = self.waiting.pop((org, payload.recommendation_id), None)
            if rec is None:
                log.info("answer to %s, which the desk is not waiting on", payload.recommendation_id)
                return []
            overdue = self.overdue.get((org, rec.customer_id), Decimal(0))
            verdict = assess(self.settings, rec, overdue, day, answered=True)
            return self._answer(envelope, verdict, f"answer-{payload.question_id}")
        return []

    def _answer(self, cause: Envelope, verdict: Verdict, stage: str) -> list[Outgoing]:
        rec_id = verdict.decision.recommendation_id
        customer_id = verdict.rating.customer_id
        log.info(
            "%s (%s): %s, rating %s", rec_id, customer_id, verdict.decision.decision, verdict.rating.rating
        )
        return [
            self._message(cause, "credit-decision.made", customer_id, verdict.decision, f"{rec_id}:{stage}"),
            self._message(cause, "customer.rated", customer_id, verdict.rating, f"{rec_id}:{stage}"),
        ]

    def _message(self, cause: Envelope, event_type: str, key: str, payload: BaseModel, name: str) -> Outgoing:
        contract = EVENT_TYPES[event_type]
        envelope = Envelope(
            event_id=uuid5(NAMESPACE, f"{cause.org_id}:{event_type}:{name}"),
            event_type=event_type,
            schema_version=contract.schema_version,
            occurred_at=utcnow(),
            producer="risk-desk",
            org_id=cause.org_id,
            key=key,
            correlation_id=cause.correlation_id,
            causation_id=str(cause.event_id),
            actor=Actor(kind="system", user_id=self.settings.user_id, roles=("risk",)),
            payload=payload.model_dump(mode="json"),
        )
        return Outgoing(self.settings.kafka.topic(contract.topic), key, envelope.to_bytes())

    async def run_until(self, stop: asyncio.Event, retry_seconds: float = 2.0) -> None:
        """Run until `stop` is set, starting over (from the committed offsets) after a broker failure."""
        while not stop.is_set():
            try:
                await self.run(stop)
            except Exception as exc:  # the broker went away: what was not committed is redelivered
                log.warning("risk desk interrupted, restarting in %.0fs: %s", retry_seconds, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), retry_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set; offsets are committed only after the answers are acknowledged."""
        kafka = self.settings.kafka
        if kafka.create_topics:
            names = topics_with_dlq(kafka.topic(t) for t in (*READS, *WRITES))
            await ensure_topics(kafka, names, client_id="steward-risk-desk")
        consumer = AIOKafkaConsumer(
            *(kafka.topic(t) for t in READS),
            group_id=f"{kafka.topic_prefix}steward.risk-desk",
            client_id="steward-risk-desk",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            # Same partition of every topic to the same desk: a customer's balances and recommendations
            # (both keyed by customer id) meet in one process, even with several desks in the group.
            partition_assignment_strategy=(RangePartitionAssignor,),
            session_timeout_ms=kafka.session_timeout_ms,
            rebalance_timeout_ms=kafka.rebalance_timeout_ms or kafka.session_timeout_ms,
            **connection_options(kafka),
        )
        producer = AIOKafkaProducer(client_id="steward-risk-desk", **producer_options(kafka))
        await producer.start()
        await consumer.start()
        try:
            while not stop.is_set():
                batch = await consumer.getmany(timeout_ms=300)
                if consumer.assignment():
                    self.ready.set()
                await self._process(batch, producer, consumer)
        finally:
            await consumer.stop()
            await producer.stop()

    async def _process(self, batch: dict[Any, list[Any]], producer: AIOKafkaProducer, consumer: Any) -> None:
        if not batch:
            return
        sends = []
        for records in batch.values():
            for record in records:
                for out in self.handle(record.value):
                    sends.append(await producer.send(out.topic, value=out.value, key=out.key.encode()))
        await asyncio.gather(*sends)
        self.published += len(sends)
        await consumer.commit()


async def serve(settings: RiskDeskSettings) -> None:
    """Run the desk until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await RiskDesk(settings).run_until(stop)


def risk_desk_command(
    kafka: Annotated[str | None, typer.Option(help="Bootstrap servers (default 127.0.0.1:9092)")] = None,
    topic_prefix: Annotated[str | None, typer.Option(help="As the services' KAFKA__TOPIC_PREFIX")] = None,
    approve_up_to: Annotated[str | None, typer.Option(help="Approve as asked up to this amount")] = None,
    decline_above: Annotated[str | None, typer.Option(help="Decline above this amount")] = None,
    question_due_days: Annotated[int | None, typer.Option(help="Days to answer the desk's question")] = None,
) -> None:
    """A simulated risk department: decides recommendations and rates customers by simple rules."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s risk-desk %(levelname)s %(message)s")
    base = RiskDeskSettings()
    kafka_updates = {
        k: v for k, v in {"bootstrap_servers": kafka, "topic_prefix": topic_prefix}.items() if v is not None
    }
    rules = {
        k: v
        for k, v in {
            "approve_up_to": approve_up_to,
            "decline_above": decline_above,
            "question_due_days": question_due_days,
        }.items()
        if v is not None
    }
    settings = RiskDeskSettings.model_validate(
        {
            **base.model_dump(exclude={"kafka"}),
            **rules,
            "kafka": ClientKafkaSettings.model_validate({**base.kafka.model_dump(), **kafka_updates}),
        }
    )
    typer.echo(
        f"risk desk on {settings.kafka.bootstrap_servers}: approves up to {settings.approve_up_to}, "
        f"asks one question up to {settings.decline_above}, declines above it or on overdue balances"
    )
    asyncio.run(serve(settings))
