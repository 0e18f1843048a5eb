"""Spot checks (R-I5): seeded, reproducible samples from what audit has seen, reviewed item by item."""

from uuid import uuid4

from sqlalchemy import select

from services.audit.domain import departure as review
from services.audit.domain import sampling
from services.audit.models import FindingRow, PopulationRow, SpotCheckItemRow, SpotCheckRow
from services.audit.queries import spot_checks as queries
from services.audit.schemas import FindingCreate, FindingRead, ItemClear, SpotCheckCreate, SpotCheckRead
from services.audit.service.scope import SCOPE
from shared.auth import Principal, Role
from shared.contracts.audit import FindingRaised
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def remember(
    uow: UnitOfWork, envelope: Envelope, kind: str, subject_id: str, manager_id: str | None
) -> None:
    """Add a subject to the population spot checks draw from."""
    if await uow.session.get(PopulationRow, (kind, subject_id)) is None:
        uow.session.add(
            PopulationRow(
                kind=kind,
                subject_id=subject_id,
                org_id=envelope.org_id,
                manager_id=manager_id,
                recorded_at=utcnow(),
            )
        )


async def start(uow: UnitOfWork, cmd: SpotCheckCreate, caller: Principal) -> SpotCheckRead:
    """R-I5: draw the sample with a recorded seed; each sampled subject becomes an item for the auditors."""
    seed = sampling.seed_of(cmd.seed)
    async with uow:
        office = await SCOPE.office_of(uow.session, caller)  # a restricted auditor draws in their subtree
        rows = await uow.session.execute(
            select(PopulationRow.subject_id, PopulationRow.manager_id, PopulationRow.branch).where(
                PopulationRow.org_id == caller.org_id,
                PopulationRow.kind == cmd.population,
                SCOPE.staff_in_scope(caller, PopulationRow.manager_id),
            )
        )
        population = sampling.population_of(rows, cmd.strata)
        sample = sampling.draw_check(population, cmd.sample_size, seed, cmd.population)
        check = SpotCheckRow(
            id=f"sc-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            kind=cmd.kind,
            population=cmd.population,
            strata=cmd.strata,
            seed=seed,
            sample_size=cmd.sample_size,
            population_ids=[list(p) for p in population],
            created_by=caller.user_id,
            created_at=utcnow(),
            office_id=office,
            items=[SpotCheckItemRow(subject_id=s, status=review.ItemStatus.PENDING.value) for s in sample],
        )
        uow.session.add(check)
        await uow.commit()
        return queries.read(check)


def _item(row: SpotCheckRow, item_id: int) -> SpotCheckItemRow:
    item = next((i for i in row.items if i.id == item_id), None)
    if item is None:
        raise NotFound("audit.spot_check.item_not_found", item_id=item_id, check_id=row.id)
    return item


async def clear_item(
    uow: UnitOfWork, check_id: str, item_id: int, cmd: ItemClear, caller: Principal
) -> SpotCheckRead:
    """An auditor finds a sampled subject in order; not while a finding on it is open."""
    async with uow:
        row = await queries.visible_check(uow, check_id, caller)
        item = _item(row, item_id)
        open_count = len(
            list(
                await uow.session.scalars(
                    select(FindingRow.id).where(
                        FindingRow.spot_check_item_id == item.id, FindingRow.status == "open"
                    )
                )
            )
        )
        cleared = sampling.clear_sampled(review.ItemStatus(item.status), open_count)
        item.status, item.note, item.reviewed_by, item.reviewed_at = (
            cleared.value,
            cmd.note,
            caller.user_id,
            utcnow(),
        )
        await uow.commit()
        return queries.read(row)


async def raise_finding(
    uow: UnitOfWork, check_id: str, item_id: int, cmd: FindingCreate, caller: Principal
) -> FindingRead:
    """R-I5: a problem found in the sample, recorded like a departure finding."""
    async with uow:
        row = await queries.visible_check(uow, check_id, caller)
        item = _item(row, item_id)
        subject = await uow.session.get(PopulationRow, (row.population, item.subject_id))
        about = sampling.sampled_finding(
            row.id, row.population, item.subject_id, subject.manager_id if subject else None
        )
        finding = FindingRow(
            id=f"f-{uuid4().hex[:12]}",
            org_id=row.org_id,
            rule_id="R-I5",
            manager_id=about.manager_id,
            customer_id=about.customer_id,
            spot_check_item_id=item.id,
            severity=cmd.severity.value,
            description=cmd.description,
            amount_at_risk=cmd.amount_at_risk,
            evidence=about.evidence,
            status="open",
            raised_by=caller.user_id,
            raised_at=utcnow(),
        )
        uow.session.add(finding)
        item.status = about.item.value
        uow.emit(
            "audit.finding-raised",
            key=about.key,
            org_id=row.org_id,
            payload=FindingRaised(
                finding_id=finding.id,
                rule_id="R-I5",
                manager_id=finding.manager_id,
                customer_id=finding.customer_id,
                severity=finding.severity,
                description=finding.description,
                amount_at_risk=finding.amount_at_risk,
            ),
        )
        await uow.commit()
        return FindingRead.model_validate(finding)


async def schedule_regular(
    uow: UnitOfWork, every_days: int, population: str, size: int, only_org: str | None = None
) -> list[str]:
    """R-I5: start a regular spot check for each cooperative (or only one) whose last one is too old."""
    since = sampling.regular_since(utcnow(), every_days)
    started: list[str] = []
    async with uow:
        orgs = list(
            await uow.session.scalars(
                select(PopulationRow.org_id).where(PopulationRow.kind == population).distinct()
            )
        )
        recent = set(
            await uow.session.scalars(
                select(SpotCheckRow.org_id).where(
                    SpotCheckRow.kind == "regular",
                    SpotCheckRow.population == population,
                    SpotCheckRow.created_at >= since,
                )
            )
        )
    for org_id in sampling.regular_due(orgs, recent, only_org):
        scheduler = Principal(user_id="steward-schedule", roles=frozenset({Role.AUDITOR}), org_id=org_id)
        check = await start(
            uow,
            SpotCheckCreate(
                kind="regular",
                population=population,
                sample_size=size,
                strata="manager",
            ),
            scheduler,
        )
        started.append(check.id)
    return started
