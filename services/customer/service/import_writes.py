"""The customers import's writes: new customers and their CMs in chunked bulk inserts, events in bulk."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import uuid4

from sqlalchemy import Table

from services.customer.domain.identity import name_key, phone_key
from services.customer.domain.imports import imported_team
from services.customer.models import AssignmentRow, CustomerRow
from shared.auth import Principal
from shared.bulk import write_rows
from shared.contracts.customer import ComplianceViolation
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

CUSTOMERS, ASSIGNMENTS = cast(Table, CustomerRow.__table__), cast(Table, AssignmentRow.__table__)
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
    """New customers and their CMs in bulk (COPY on PostgreSQL, no ORM object per row); events in bulk too."""
    now, ids = utcnow(), {}
    customers, assignments = [], []
    # Equal classifications as one object: the bulk write serialises each distinct object to JSON once.
    alike: dict[tuple[object, ...], dict[str, Any]] = {}
    events: tuple[list[tuple[str, dict[str, Any]]], ...] = ([], [], [])
    for plan in plans:
        customer_id = f"c-{uuid4().hex[:12]}"
        ids[plan.external_id] = customer_id
        row = {
            "id": customer_id,
            "org_id": caller.org_id,
            "file_no": next(numbers),
            "external_id": plan.external_id,
            "name_key": name_key(plan.values["name"]),
            "phone_key": phone_key(plan.values["contact"]),
            "classification": alike.setdefault(tuple(plan.classification.items()), plan.classification),
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
        customers.append(row)
        team = imported_team(plan.primary, plan.co)
        shares = {manager_id: share for manager_id, _, share in team}
        assignments += [
            {
                "customer_id": customer_id,
                "manager_id": manager_id,
                "role": role.value,
                "share": share,
                "valid_from": plan.since,
                "valid_to": None,
                "changed_by": caller.user_id,
                "reason": "imported",
            }
            for manager_id, role, share in team
        ]
        registered, assigned, compliance = events
        registered.append((customer_id, registered_payload(customer_id, row, plan)))
        assigned.append((customer_id, assigned_payload(customer_id, plan, shares)))
        if plan.issues:
            compliance.append((customer_id, non_compliant_payload(customer_id, plan)))
    await write_rows(uow.session, CUSTOMERS, customers)
    await write_rows(uow.session, ASSIGNMENTS, assignments)
    # One type at a time keeps each customer's order: registered, then its CMs, then its compliance.
    for event_type, queue in zip(EVENT_TYPES, events, strict=True):
        uow.emit_many(event_type, caller.org_id, queue)
    return ids


# The payloads in their JSON form, built to the contract without a model per event (100,000 of them in a
# go-live import); tests/unit/test_import_payloads.py holds each to its model's own `model_dump`.


def registered_payload(customer_id: str, row: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """`customer.registered` v1 of a new customer."""
    return {
        "customer_id": customer_id,
        "file_no": row["file_no"],
        "name": row["name"],
        "kind": row["kind"],
        "primary_manager_id": plan.primary,
        "co_manager_ids": list(plan.co),
        "importance": row["importance"],
        "branch": row["branch"],
        "external_id": plan.external_id,
    }


def assigned_payload(customer_id: str, plan: Plan, shares: dict[str, Decimal]) -> dict[str, Any]:
    """`customer.assignment-changed` v1: the imported team from the row's start date."""
    return {
        "customer_id": customer_id,
        "primary_manager_id": plan.primary,
        "co_manager_ids": list(plan.co),
        "team_id": plan.team_id,
        "attribution_mode": "shares",
        "shares": {m: str(v) for m, v in shares.items()},
        "effective_from": plan.since.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "reason": "imported",
    }


def non_compliant_payload(customer_id: str, plan: Plan) -> dict[str, Any]:
    """`customer.compliance-changed` v2: a legacy team that breaks a rule, taken as it was."""
    return {
        "customer_id": customer_id,
        "compliant": False,
        "issues": list(plan.issues),
        "violations": [v.model_dump(mode="json") for v in plan.violations],
    }
