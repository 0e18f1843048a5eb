"""`steward import balances|pnl FILE.csv`: a core-banking export, validated whole, then published.

Every row is checked before anything is sent; one bad row and nothing is published. Each row's
event id is derived from the row itself, so importing the same file again changes nothing downstream:
the consumers skip an event id they have seen (profit postings are also unique by posting id).
"""

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from uuid import NAMESPACE_URL, UUID, uuid5

import typer
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from shared.contracts.corebanking import ProfitPosted
from shared.envelope import Actor, Envelope
from shared.kafka import ensure_topics, producer_options, topics_with_dlq
from shared.settings import KafkaSettings
from shared.timeutil import utcnow
from steward import book_import, import_report
from steward.csv_files import FileRefused, header, rows_of
from steward.import_kinds import KINDS as KINDS
from steward.import_kinds import FileKind

NAMESPACE = uuid5(NAMESPACE_URL, "steward:import")
PROGRESS_FROM_ROWS = 1_000
SEND_BATCH = 500
ACTOR = Actor(kind="system", user_id="steward-import")

import_app = typer.Typer(help="Import core-banking files (CSV) for cooperatives without streaming.")
console = Console()


class ClientKafkaSettings(KafkaSettings):
    """Kafka for the command-line clients: no idempotent producer unless asked (the embedded broker
    refuses it); their event ids are derived from the input, so a retried send is skipped downstream."""

    idempotent_producer: bool = False


class ImportSettings(BaseSettings):
    """Where imports go (prefix STEWARD_IMPORT_; Kafka nested with __, as the services')."""

    model_config = SettingsConfigDict(env_prefix="STEWARD_IMPORT_", env_nested_delimiter="__", extra="ignore")

    org_id: str = Field(default="rcc-demo", min_length=1, max_length=64)
    appraisal_url: str = Field(default="http://127.0.0.1:8003", description="where held postings are read")
    kafka: ClientKafkaSettings = Field(default_factory=ClientKafkaSettings)


@dataclass
class Validation:
    """The outcome of checking a whole file."""

    rows: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    digest: str = ""

    def refuse(self, line: int, reason: str, keep: int) -> None:
        """Record a bad row (at most `keep` reasons are kept; all are counted)."""
        self.error_count += 1
        if len(self.errors) < keep:
            self.errors.append(f"line {line}: {reason}")


def event_id(kind: FileKind, org_id: str, payload: BaseModel) -> UUID:
    """The event id of a row: the same row of the same cooperative always gets the same id."""
    return uuid5(NAMESPACE, f"{org_id}:{kind.event_type}:{kind.event_key(payload)}")


def parse_row(kind: FileKind, raw: dict[str | Any, Any]) -> BaseModel:
    """A row as its payload model, or ValueError saying what is wrong with it."""
    if raw.get(None):
        raise ValueError(f"{len(raw[None])} more value(s) than the header has columns")
    values = {str(k).strip(): (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    missing = [c for c in kind.columns if values.get(c) in (None, "")]
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    try:
        payload = kind.contract.payload.model_validate({c: values[c] for c in kind.columns})
    except ValidationError as exc:
        reasons = [
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise ValueError("; ".join(reasons)) from exc
    impossible = kind.impossible(payload)
    if impossible:
        raise ValueError(impossible)
    return payload


def validate(
    path: Path, kind: FileKind, *, keep: int = 50, progress: Progress | None = None, total: int | None = None
) -> Validation:
    """Check every row of a file; nothing is published unless no row is refused."""
    result = Validation(digest=hashlib.sha256(path.read_bytes()).hexdigest())
    try:
        columns = header(path)
    except FileRefused as exc:
        result.refuse(1, str(exc), keep)
        return result
    if not columns:
        result.refuse(1, f"the file is empty; expected a header row {','.join(kind.columns)} and rows", keep)
        return result
    absent = [c for c in kind.columns if c not in columns]
    if absent:
        result.refuse(1, f"missing column(s) {', '.join(absent)}; expected {', '.join(kind.columns)}", keep)
        return result
    result.ignored_columns = [c for c in columns if c not in kind.columns]
    seen: dict[str, int] = {}
    task = progress.add_task("validating", total=total) if progress else None
    for line, raw in rows_of(path):
        result.rows += 1
        if progress is not None and task is not None:
            progress.advance(task)
        try:
            payload = parse_row(kind, raw)
        except ValueError as exc:
            result.refuse(line, str(exc), keep)
            continue
        identity = kind.identity(payload)
        if identity in seen:
            result.refuse(line, f"{identity} is already on line {seen[identity]}", keep)
        else:
            seen[identity] = line
    if progress is not None and task is not None:
        progress.update(task, total=result.rows, completed=result.rows)
    if result.rows == 0:
        result.refuse(1, "the file has a header row but no rows", keep)
    return result


def envelope_for(kind: FileKind, org_id: str, payload: BaseModel, correlation_id: str) -> Envelope:
    """The message a row becomes, keyed by customer id."""
    contract = kind.contract
    body = json.loads(payload.model_dump_json())
    return Envelope(
        event_id=event_id(kind, org_id, payload),
        event_type=contract.event_type,
        schema_version=contract.schema_version,
        occurred_at=utcnow(),
        producer="steward-import",
        org_id=org_id,
        key=str(body["customer_id"]),
        correlation_id=correlation_id,
        actor=ACTOR,
        payload=body,
    )


async def publish(
    path: Path,
    kind: FileKind,
    settings: ImportSettings,
    digest: str,
    progress: Progress | None = None,
    total: int | None = None,
) -> "Published":
    """Publish every row of an already validated file (acks=all); say what was sent and where."""
    kafka = settings.kafka
    topic = kafka.topic(kind.contract.topic)
    if kafka.create_topics:
        await ensure_topics(kafka, topics_with_dlq([topic]), client_id="steward-import")
    producer = AIOKafkaProducer(client_id="steward-import", **producer_options(kafka))
    await producer.start()
    done = Published()
    task = progress.add_task("publishing", total=total) if progress else None
    try:
        pending: list[asyncio.Future[Any]] = []
        for _, raw in rows_of(path):
            payload = parse_row(kind, raw)
            envelope = envelope_for(kind, settings.org_id, payload, f"import:{digest[:32]}")
            done.event_ids.add(str(envelope.event_id))
            if isinstance(payload, ProfitPosted):
                done.posting_ids.add(payload.posting_id)
            pending.append(
                await producer.send(topic, value=envelope.to_bytes(), key=envelope.key.encode("utf-8"))
            )
            if len(pending) >= SEND_BATCH:
                await _settle(pending, done, progress, task)
        await _settle(pending, done, progress, task)
    finally:
        await producer.stop()
    return done


@dataclass
class Published:
    """What an import sent: how many, the last offset per partition, the event and posting ids."""

    sent: int = 0
    last_offsets: dict[int, int] = field(default_factory=dict)
    event_ids: set[str] = field(default_factory=set)
    posting_ids: set[str] = field(default_factory=set)


async def _settle(
    pending: list["asyncio.Future[Any]"], done: Published, progress: Progress | None, task: Any
) -> None:
    for metadata in await asyncio.gather(*pending):
        done.last_offsets[metadata.partition] = max(
            done.last_offsets.get(metadata.partition, -1), metadata.offset
        )
    done.sent += len(pending)
    if progress is not None:
        progress.advance(task, len(pending))
    pending.clear()


def _progress(rows: int) -> Progress:
    return Progress(
        TextColumn("{task.description:>10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=rows < PROGRESS_FROM_ROWS,
        transient=False,
    )


def run_import(
    kind: FileKind,
    path: Path,
    settings: ImportSettings,
    *,
    dry_run: bool = False,
    keep: int = 50,
    wait: float = 0.0,
) -> int:
    """Validate, publish, then report the services' outcomes (within `wait` seconds; 0 skips it).

    The exit code: 0 done, 1 refused (nothing sent), 2 broker failure, 3 some rows dead-lettered.
    """
    if not path.is_file():
        console.print(f"[red]no such file:[/] {path}")
        return 1
    with path.open("rb") as handle:
        rows = max(sum(1 for _ in handle) - 1, 0)
    with _progress(rows) as progress:
        checked = validate(path, kind, keep=keep, progress=progress, total=rows)
        if checked.error_count:
            progress.stop()
            for error in checked.errors:
                console.print(f"[red]{escape(error)}[/]", highlight=False, soft_wrap=True)
            more = checked.error_count - len(checked.errors)
            if more > 0:
                console.print(f"... and {more} more")
            what = f"{checked.error_count} of {checked.rows} rows are invalid" if checked.rows else "no rows"
            console.print(f"[bold red]refused:[/] {what}; nothing was published")
            return 1
        if checked.ignored_columns:
            console.print(f"ignored columns: {', '.join(checked.ignored_columns)}")
        topic = settings.kafka.topic(kind.contract.topic)
        if dry_run:
            console.print(f"{checked.rows} valid rows; nothing published (--dry-run)")
            return 0
        try:
            done = asyncio.run(publish(path, kind, settings, checked.digest, progress, checked.rows))
        except Exception as exc:
            progress.stop()
            console.print(
                f"[bold red]publishing to {topic} failed:[/] {type(exc).__name__}: {escape(str(exc))}\n"
                "Run the same file again: rows already published carry the same event ids and are skipped."
            )
            return 2
    console.print(
        f"published {done.sent} {kind.event_type} events to {topic} for {settings.org_id} "
        "(event ids derived from the rows: importing this file again changes nothing)"
    )
    return _report(kind, settings, done, wait) if wait > 0 else 0


def _report(kind: FileKind, settings: ImportSettings, done: Published, wait: float) -> int:
    """What each consuming service did with the rows, once it caught up (or the wait ran out)."""
    console.print(f"waiting up to {wait:g} s for the services (--wait 0 skips this)...")
    outcomes = asyncio.run(
        import_report.follow(
            settings.kafka,
            kind.contract.topic,
            done.last_offsets,
            done.event_ids,
            wait_seconds=wait,
            appraisal_url=settings.appraisal_url,
            appraisal_token=import_report.reader_token(settings.org_id),
            posting_ids=done.posting_ids,
        )
    )
    for outcome in outcomes:
        console.print(escape(outcome.line(done.sent)), highlight=False, soft_wrap=True)
    return 3 if any(o.dead for o in outcomes) else 0


File = Annotated[Path, typer.Argument(help="CSV file with a header row, UTF-8 or GB18030/GBK")]
Org = Annotated[
    str | None,
    typer.Option("--org", help="Cooperative (org_id); default: STEWARD_IMPORT_ORG_ID, else rcc-demo"),
]
Kafka = Annotated[
    str | None,
    typer.Option(
        "--kafka",
        help="Bootstrap servers; default: STEWARD_IMPORT_KAFKA__BOOTSTRAP_SERVERS, else 127.0.0.1:9092",
    ),
]
Prefix = Annotated[str | None, typer.Option(help="Topic prefix, as the services' KAFKA__TOPIC_PREFIX")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Validate only")]
Wait = Annotated[
    float,
    typer.Option(
        min=0, max=3600, help="Seconds to wait for the services' outcomes after publishing; 0 skips"
    ),
]


def _settings(org: str | None, kafka: str | None, topic_prefix: str | None) -> ImportSettings:
    settings = ImportSettings()
    updates: dict[str, Any] = {}
    if kafka is not None:
        updates["bootstrap_servers"] = kafka
    if topic_prefix is not None:
        updates["topic_prefix"] = topic_prefix
    kafka_settings = ClientKafkaSettings.model_validate({**settings.kafka.model_dump(), **updates})
    return ImportSettings(
        org_id=org or settings.org_id, kafka=kafka_settings, appraisal_url=settings.appraisal_url
    )


@import_app.command("balances")
def import_balances(
    file: File,
    org: Org = None,
    kafka: Kafka = None,
    topic_prefix: Prefix = None,
    dry_run: DryRun = False,
    wait: Wait = 30.0,
) -> None:
    """Balances per customer: customer_id, deposit, loan, overdue, as_of (to corebanking.balances)."""
    settings = _settings(org, kafka, topic_prefix)
    raise typer.Exit(run_import(KINDS["balances"], file, settings, dry_run=dry_run, wait=wait))


@import_app.command("pnl")
def import_pnl(
    file: File,
    org: Org = None,
    kafka: Kafka = None,
    topic_prefix: Prefix = None,
    dry_run: DryRun = False,
    wait: Wait = 30.0,
) -> None:
    """Profit postings: posting_id, customer_id, period, product, amount, posted_on (to corebanking.pnl)."""
    settings = _settings(org, kafka, topic_prefix)
    raise typer.Exit(run_import(KINDS["pnl"], file, settings, dry_run=dry_run, wait=wait))


book_import.register(import_app)
