"""The customers import's writes: new customers and their CMs in chunked bulk inserts, events in bulk."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import uuid4

from pydantic import BaseModel
from sqlalchemy import Table, insert

from services.customer.domain import assignment as rules
from services.customer.domain.identity import name_key, phone_key
from services.customer.models import AssignmentRow, CustomerRow
from shared.auth import Principal
from shared.contracts.customer import (
    ComplianceViolation,
    CustomerAssignmentChanged,
    CustomerComplianceChanged,
    CustomerRegistered,
)
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

CUSTOMERS, ASSIGNMENTS = cast(Table, CustomerRow.__table__), cast(Table, AssignmentRow.__table__)
CHUNK = 2_000  # rows per bulk INSERT
EVENT_TYPES = ("customer.registered", "customer.assignment-changed", "customer.compliance-changed")


@dataclass
class Plan:
    """One valid row, resolved: what the customer should look like after the import."""

    line: int
    external_id: str
    values: dict[str, Any]
    classification: dict[str, Any]
    primary: str
    co: tuple[str, ...]
    team_id: str | None
    since: datetime
    issues: list[str]
    violations: tuple[ComplianceViolation, ...] = ()


async def create_all(uow: UnitOfWork, caller: Principal, plans: list[Plan], numbers: Any) -> dict[str, str]:
    """New customers and their CMs in chunked bulk inserts (no ORM object per row); events in bulk too."""
    now, ids = utcnow(), {}
    customers, assignments = [], []
    events: tuple[list[tuple[str, BaseModel]], ...] = ([], [], [])
    for plan in plans:
        customer_id = f"c-{uuid4().hex[:12]}"
        ids[plan.external_id] = customer_id
        customers.append(
            {
                "id": customer_id,
                "org_id": caller.org_id,
                "file_no": next(numbers),
                "external_id": plan.external_id,
                "name_key": name_key(plan.values["name"]),
                "phone_key": phone_key(plan.values["contact"]),
                "classification": plan.classification,
                "team_id": plan.team_id,
                "attribution_mode": "shares",
                "compliant": not plan.issues,
                "compliance_issues": plan.issues,
                "balances_as_of": plan.since if plan.values["deposit_balance"] is not None else None,
                "created_at": now,
                "created_by": caller.user_id,
                "row_version": 1,
                **plan.values,
            }
        )
        shares = rules.equal_shares([plan.primary, *plan.co])
        assignments += [
            {
                "customer_id": customer_id,
                "manager_id": manager_id,
                "role": "primary" if manager_id == plan.primary else "co_manager",
                "share": shares[manager_id],
                "valid_from": plan.since,
                "valid_to": None,
                "changed_by": caller.user_id,
                "reason": "imported",
            }
            for manager_id in (plan.primary, *plan.co)
        ]
        for queue, payload in zip(events, _events(customer_id, customers[-1], plan, shares), strict=True):
            if payload is not None:
                queue.append((customer_id, payload))
    for table, rows in ((CUSTOMERS, customers), (ASSIGNMENTS, assignments)):
        for at in range(0, len(rows), CHUNK):
            await uow.session.execute(insert(table), rows[at : at + CHUNK])
    # One type at a time keeps each customer's order: registered, then its CMs, then its compliance.
    for event_type, queue in zip(EVENT_TYPES, events, strict=True):
        uow.emit_many(event_type, caller.org_id, queue)
    return ids


def _events(
    customer_id: str, row: dict[str, Any], plan: Plan, shares: dict[str, Any]
) -> tuple[CustomerRegistered, CustomerAssignmentChanged, CustomerComplianceChanged | None]:
    """A new customer's events: registered, its CMs, and (when it breaks a rule) non-compliant."""
    return (
        CustomerRegistered(
            customer_id=customer_id,
            file_no=row["file_no"],
            name=row["name"],
            kind=row["kind"],
            primary_manager_id=plan.primary,
            co_manager_ids=plan.co,
            importance=row["importance"],
            branch=row["branch"],
            external_id=plan.external_id,
        ),
        CustomerAssignmentChanged(
            customer_id=customer_id,
            primary_manager_id=plan.primary,
            co_manager_ids=plan.co,
            team_id=plan.team_id,
            attribution_mode="shares",
            shares={m: str(v) for m, v in shares.items()},
            effective_from=plan.since,
            reason="imported",
        ),
        CustomerComplianceChanged(
            customer_id=customer_id, compliant=False, issues=tuple(plan.issues), violations=plan.violations
        )
        if plan.issues
        else None,
    )
