"""Spot checks (R-I5): seeded, reproducible samples from what audit has seen, reviewed item by item."""

import secrets
from uuid import uuid4

from sqlalchemy import select

from services.audit.domain import departure as review
from services.audit.domain import sampling
from services.audit.models import FindingRow, PopulationRow, SpotCheckItemRow, SpotCheckRow
from services.audit.schemas import (
    FindingCreate,
    FindingRead,
    ItemClear,
    Reproduction,
    SpotCheckCreate,
    SpotCheckItemRead,
    SpotCheckRead,
)
from services.audit.service.scope import SCOPE
from shared.auth import Principal, Role
from shared.contracts.audit import FindingRaised
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def read(row: SpotCheckRow) -> SpotCheckRead:
    """A spot check with how it was drawn and its items."""
    return SpotCheckRead(
        id=row.id,
        kind=row.kind,
        population=row.population,
        strata=row.strata,
        seed=row.seed,
        sample_size=row.sample_size,
        population_size=len(row.population_ids),
        created_by=row.created_by,
        created_at=row.created_at,
        items=[SpotCheckItemRead.model_validate(i) for i in row.items],
    )


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
    seed = cmd.seed if cmd.seed is not None else secrets.randbits(62)
    async with uow:
        office = await SCOPE.office_of(uow.session, caller)  # a restricted auditor draws in their subtree
        rows = await uow.session.scalars(
            select(PopulationRow).where(
                PopulationRow.org_id == caller.org_id,
                PopulationRow.kind == cmd.population,
                SCOPE.staff_in_scope(caller, PopulationRow.manager_id),
            )
        )
        population = [(r.subject_id, sampling.stratum(cmd.strata, r.manager_id, r.branch)) for r in rows]
        sample = sampling.draw_check(population, cmd.sample_size, seed, cmd.population)
        check = SpotCheckRow(
            id=f"sc-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            kind=cmd.kind,
            population=cmd.population,
            strata=cmd.strata,
            seed=seed,
            sample_size=cmd.sample_size,
            population_ids=[list(p) for p in sorted(population)],
            created_by=caller.user_id,
            created_at=utcnow(),
            office_id=office,
            items=[SpotCheckItemRow(subject_id=s, status=review.ItemStatus.PENDING.value) for s in sample],
        )
        uow.session.add(check)
        await uow.commit()
        return read(check)


async def _check(uow: UnitOfWork, check_id: str, caller: Principal) -> SpotCheckRow:
    row = await uow.session.get(SpotCheckRow, check_id)
    if (
        row is None
        or row.org_id != caller.org_id
        or not await SCOPE.covers_office(uow.session, caller, row.office_id)
    ):
        raise NotFound("audit.spot_check.not_found", check_id=check_id)
    return row


async def get(uow: UnitOfWork, check_id: str, caller: Principal) -> SpotCheckRead:
    """One spot check."""
    async with uow:
        return read(await _check(uow, check_id, caller))


async def list_checks(uow: UnitOfWork, caller: Principal, page: Page) -> list[SpotCheckRead]:
    """Spot checks of the cooperative, newest first."""
    async with uow:
        rows = await page.rows(
            uow.session,
            select(SpotCheckRow)
            .where(SpotCheckRow.org_id == caller.org_id, SCOPE.in_scope(caller, SpotCheckRow.office_id))
            .order_by(SpotCheckRow.created_at.desc(), SpotCheckRow.id),
        )
        return [read(r) for r in rows]


async def reproduce(uow: UnitOfWork, check_id: str, caller: Principal) -> Reproduction:
    """Draw again from the recorded population with the recorded seed."""
    async with uow:
        row = await _check(uow, check_id, caller)
        population = [(p[0], p[1]) for p in row.population_ids]
        recorded = sorted(i.subject_id for i in row.items)
        again = sampling.draw(population, row.sample_size, row.seed)
    return Reproduction(reproduced=again == recorded, sample=again)


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
        row = await _check(uow, check_id, caller)
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
        return read(row)


async def raise_finding(
    uow: UnitOfWork, check_id: str, item_id: int, cmd: FindingCreate, caller: Principal
) -> FindingRead:
    """R-I5: a problem found in the sample, recorded like a departure finding."""
    async with uow:
        row = await _check(uow, check_id, caller)
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
