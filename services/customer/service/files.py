"""Customer files and the roster (R-C4, R-C6): open, maintain, versioned information sections."""

from decimal import Decimal
from uuid import uuid4

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from services.customer.domain import files as rules
from services.customer.domain.classification import CONTROL_ROLES
from services.customer.domain.identity import document_hash, name_key, phone_key
from services.customer.models import CustomerRow, FileCounterRow, SectionRow
from services.customer.queries.files import MANAGE, read, visible_customer
from services.customer.schemas import (
    CustomerCreate,
    CustomerPatch,
    CustomerRead,
    Section,
    SectionRead,
    SectionWrite,
)
from services.customer.service.assignment import assign
from services.customer.service.scope import default_office
from shared.auth import Principal, Role
from shared.contracts.customer import CustomerClassified, CustomerIdentified, CustomerRegistered
from shared.errors import Conflict
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _next_file_no(uow: UnitOfWork, org_id: str) -> str:
    increment = (
        update(FileCounterRow)
        .where(FileCounterRow.org_id == org_id)
        .values(last_no=FileCounterRow.last_no + 1)
        .returning(FileCounterRow.last_no)
    )
    number = await uow.session.scalar(increment)
    if number is None:  # a cooperative's first file: concurrent first files must not both take number 1
        dialect = postgresql if uow.session.get_bind().dialect.name == "postgresql" else sqlite
        await uow.session.execute(
            dialect.insert(FileCounterRow).values(org_id=org_id, last_no=0).on_conflict_do_nothing()
        )
        number = await uow.session.scalar(increment)
    assert number is not None  # the counter row exists now
    return rules.file_no(number)


async def _check_external_id(uow: UnitOfWork, org_id: str, external_id: str | None, own_id: str) -> None:
    """Core banking's number names one customer of the cooperative."""
    if external_id is None:
        return
    holder = await uow.session.scalar(
        select(CustomerRow.id).where(CustomerRow.org_id == org_id, CustomerRow.external_id == external_id)
    )
    rules.check_external_id(external_id, holder, own_id)


async def _commit_unique(uow: UnitOfWork, external_id: str | None) -> None:
    """Commit; a concurrent file that took the same core banking number first wins."""
    try:
        await uow.commit()
    except IntegrityError as exc:
        if external_id is None or "external_id" not in str(exc.orig):
            raise
        raise Conflict("customer.external_id_taken_meanwhile", external_id=external_id) from exc


async def register_customer(
    uow: UnitOfWork, cmd: CustomerCreate, caller: Principal, risk_threshold: Decimal, document_key: bytes
) -> CustomerRead:
    """Open a file (R-C4) with its classification and team; every assignment rule applies."""
    rules.check_opener(
        caller.user_id,
        [cmd.primary_manager_id, *cmd.co_manager_ids],
        caller.has_any(MANAGE),
        caller.has_any([Role(r) for r in CONTROL_ROLES]),
        cmd.classification.control_requested,
    )
    async with uow:
        customer_id = f"c-{uuid4().hex[:12]}"
        await _check_external_id(uow, caller.org_id, cmd.external_id, customer_id)
        row = CustomerRow(
            id=customer_id,
            org_id=caller.org_id,
            file_no=await _next_file_no(uow, caller.org_id),
            external_id=cmd.external_id,
            name_key=name_key(cmd.name),
            phone_key=phone_key(cmd.contact),
            id_document_hash=document_hash(document_key, cmd.id_document) if cmd.id_document else None,
            name=cmd.name,
            kind=cmd.kind.value,
            branch=cmd.branch,
            office_id=await default_office(uow, caller.org_id, cmd.primary_manager_id),
            address=cmd.address,
            contact=cmd.contact,
            relationship_evaluation=cmd.relationship_evaluation,
            cooperation_direction=cmd.cooperation_direction,
            importance=cmd.importance.value,
            classification=cmd.classification.model_dump(mode="json"),
            attribution_mode=cmd.attribution.mode.value,
            compliant=True,
            compliance_issues=[],
            created_at=utcnow(),
            created_by=caller.user_id,
            assignments=[],
        )
        uow.session.add(row)
        co_ids = await assign(uow, row, cmd, caller, risk_threshold, first=True)
        uow.emit(
            "customer.registered",
            key=row.id,
            org_id=row.org_id,
            payload=CustomerRegistered(
                customer_id=row.id,
                file_no=row.file_no,
                name=row.name,
                kind=row.kind,
                primary_manager_id=cmd.primary_manager_id,
                co_manager_ids=co_ids,
                importance=row.importance,
                branch=row.branch,
                external_id=row.external_id,
            ),
        )
        await _commit_unique(uow, cmd.external_id)
        return read(row)


async def update_roster(
    uow: UnitOfWork, customer_id: str, cmd: CustomerPatch, caller: Principal, document_key: bytes
) -> CustomerRead:
    """R-C4: a serving CM or a supervisor maintains the roster line."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        before = rules.RosterLine(row.external_id, row.importance)
        changes = cmd.model_dump(exclude_unset=True)
        if "id_document" in changes:
            number = changes.pop("id_document")
            row.id_document_hash = document_hash(document_key, number) if number else None
        if "external_id" in changes:
            await _check_external_id(uow, row.org_id, changes["external_id"], row.id)
        for name, value in changes.items():
            setattr(row, name, value.value if hasattr(value, "value") else value)
        row.phone_key = phone_key(row.contact)
        for event in rules.roster_events(before, rules.RosterLine(row.external_id, row.importance)):
            if isinstance(event, rules.Identified):
                identified = CustomerIdentified(
                    customer_id=row.id,
                    external_id=event.external_id,
                    previous_external_id=event.previous_external_id,
                )
                uow.emit("customer.identified", key=row.id, org_id=row.org_id, payload=identified)
            else:
                classified = CustomerClassified(
                    customer_id=row.id, importance=event.importance, classification=dict(row.classification)
                )
                uow.emit("customer.classified", key=row.id, org_id=row.org_id, payload=classified)
        await _commit_unique(uow, row.external_id)
        return read(row)


async def write_section(
    uow: UnitOfWork, customer_id: str, section: Section, cmd: SectionWrite, caller: Principal
) -> SectionRead:
    """R-C6/R-R3: a new version of a file section, with author and time; old versions stay."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        last = await uow.session.scalar(
            select(func.max(SectionRow.version)).where(
                SectionRow.customer_id == row.id, SectionRow.section == section.value
            )
        )
        version = SectionRow(
            customer_id=row.id,
            section=section.value,
            version=rules.next_version(last),
            content=cmd.content,
            author=caller.user_id,
            written_at=utcnow(),
        )
        uow.session.add(version)
        await uow.commit()
        return SectionRead.model_validate(version)
