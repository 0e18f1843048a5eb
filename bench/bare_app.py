"""The bare FastAPI endpoint benchmark 5 compares with: no auth, no database, a customer-sized body."""

from typing import Any

from fastapi import FastAPI

app = FastAPI()

BODY: dict[str, Any] = {
    "org_id": "rcc-bench",
    "file_no": "F0000001",
    "name": "Farm 1",
    "kind": "farm_household",
    "branch": "north",
    "address": None,
    "contact": None,
    "relationship_evaluation": None,
    "cooperation_direction": None,
    "importance": "ordinary",
    "deposit_balance": "1000.25",
    "loan_balance": "500.00",
    "overdue_balance": "0.00",
    "balances_as_of": "2026-03-01T09:00:00Z",
    "classification": {},
    "team_id": None,
    "attribution_mode": "shares",
    "compliant": True,
    "compliance_issues": [],
    "created_at": "2026-01-02T00:00:00Z",
    "created_by": "bench",
    "assignments": [],
    "row_version": 1,
}


@app.get("/customers/{customer_id}")
async def get_customer(customer_id: str) -> dict[str, Any]:
    """The same path shape as the service's endpoint, answered from memory."""
    return {"id": customer_id, **BODY}
