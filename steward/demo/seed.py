"""Seeding the cooperative: HR onboards the CMs and forms the teams; supervisors open the customer files."""

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

from steward.demo.client import HR, SUPERVISOR, Api, ApiError, eventually
from steward.demo.plan import LOW, Cooperative, CustomerPlan, ManagerPlan

NOT_YET = ("not known to customer service",)
Whose = Callable[[ManagerPlan], bool]


class DemoError(RuntimeError):
    """The suite did not behave as the demo's story needs."""


def _hire_date(m: ManagerPlan, year: int) -> date:
    return date(year - 3 - int(m.key[1:]) % 9, 1 + int(m.key[1:]) % 12, 1)


async def onboard(api: Api, coop: Cooperative, year: int, step: Callable[[], None]) -> None:
    """HR puts every CM on the roll (certified), then forms the teams under top-grade CMs (R-C2)."""

    async def one(m: ManagerPlan) -> None:
        body = {
            "employee_no": m.employee_no,
            "name": m.name,
            "grade": m.grade.code,
            "branch": m.branch,
            "hire_date": _hire_date(m, year).isoformat(),
            "education": "bachelor" if m.talent > 1.0 else "college",
        }
        m.id = (await api.post("staffing", "/managers", HR, body))["id"]
        step()

    await asyncio.gather(*(one(m) for m in coop.managers.values()))
    for team in coop.teams.values():
        body = {
            "name": team.name,
            "lead_id": coop.managers[team.lead].id,
            "member_ids": [coop.managers[k].id for k in team.members],
        }
        team.id = (await api.post("staffing", "/teams", HR, body))["id"]
        step()


async def known_to_customer_service(api: Api, coop: Cooperative, within: float) -> None:
    """Customer service assigns only CMs it has learned of from `staffing.managers`."""
    for m in coop.managers.values():

        async def known(m: ManagerPlan = m) -> bool:
            path = f"/managers/{m.id}"
            return (await api.attempt("GET", "customer", path, SUPERVISOR)).status_code == 200

        await eventually(known, within, f"customer service to learn of {m.name}")


def customer_body(coop: Cooperative, c: CustomerPlan, *, alone: bool = False) -> dict[str, Any]:
    """A customer file as a supervisor opens it; `alone` leaves out the co-managers (to see R-C3 refuse)."""
    ids = {k: coop.managers[k].id for k in (c.primary, *c.co)}
    attribution: dict[str, Any] = {"mode": "team_pool"} if c.pooled else {"mode": "shares"}
    if c.shares and not alone:
        attribution["shares"] = {ids[k]: str(v) for k, v in c.shares.items()}
    number = int(c.key[1:])
    return {
        "name": c.name,
        "kind": c.kind.value,
        "branch": c.branch,
        "importance": c.importance,
        "address": f"{number} {c.branch.title()} Road, {c.branch.title()} County",
        "contact": f"+86 138 {number % 10_000:04d} {number * 7 % 10_000:04d}",
        "cooperation_direction": "deposits, loans and payment services",
        "classification": c.classification_json(),
        "primary_manager_id": ids[c.primary],
        "co_manager_ids": [] if alone else [ids[k] for k in c.co],
        "team_id": coop.teams[c.team].id if c.team else None,
        "attribution": attribution,
    }


async def _open(api: Api, coop: Cooperative, c: CustomerPlan, within: float) -> None:
    body = customer_body(coop, c)

    async def opened() -> dict[str, Any] | None:
        response = await api.attempt("POST", "customer", "/customers", SUPERVISOR, body)
        if response.status_code == 201:
            return dict(response.json())
        if response.status_code in (404, 422) and any(t in response.text for t in NOT_YET):
            return None  # the team or a CM is still on its way from staffing; nothing was created
        raise ApiError("POST", "/customers", response.status_code, response.text)

    c.id = (await eventually(opened, within, f"customer service to accept {c.name}"))["id"]


async def refuse_one_manager(api: Api, coop: Cooperative, refusals: dict[str, str]) -> None:
    """R-C3: the customer that needs two CMs is first offered to one; customer service must refuse it."""
    pair = coop.showcase("two-managers")
    body = customer_body(coop, pair, alone=True)
    refused = await api.attempt("POST", "customer", "/customers", SUPERVISOR, body)
    if refused.status_code != 422 or "R-C3" not in refused.text:
        raise DemoError(f"a customer that needs two CMs was not refused with one: {refused.text[:300]}")
    refusals["R-C3"] = str(refused.json()["detail"])


async def open_customers(
    api: Api, coop: Cooperative, opened: Callable[[CustomerPlan], None], within: float, whose: Whose
) -> None:
    """The customer files of the chosen CMs, classified, with who serves them (R-C1..R-C4, R-A4)."""

    async def one(c: CustomerPlan) -> None:
        await _open(api, coop, c, within)
        opened(c)

    await asyncio.gather(*(one(c) for c in coop.customers if whose(coop.managers[c.primary])))


def promotion_body(coop: Cooperative) -> tuple[str, dict[str, Any]]:
    """R-Q5: the rising trainee as primary of the medium customer, with its current primary beside them."""
    pair = coop.showcase("two-managers")
    riser = next(m for m in coop.of_tier(LOW) if m.story == "rising")
    body = {
        "primary_manager_id": riser.id,
        "co_manager_ids": [coop.managers[pair.primary].id],
        "attribution": {"mode": "shares", "shares": {riser.id: "50", coop.managers[pair.primary].id: "50"}},
        "reason": f"{riser.name} takes the lead on a medium-sized customer",
    }
    return pair.id, body


async def refuse_before_promotion(api: Api, coop: Cooperative, refusals: dict[str, str]) -> None:
    """R-Q5: a trainee may not be primary of a medium-sized customer; the grade decides, not the person."""
    customer_id, body = promotion_body(coop)
    refused = await api.attempt("PUT", "customer", f"/customers/{customer_id}/assignment", SUPERVISOR, body)
    if refused.status_code != 422 or "R-Q5" not in refused.text:
        raise DemoError(f"a trainee was allowed to lead a medium-sized customer: {refused.text[:300]}")
    refusals["R-Q5"] = str(refused.json()["detail"])
