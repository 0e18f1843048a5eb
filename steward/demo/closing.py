"""The year's end: a departure with its audit (R-I6), the expense year closed (R-P2), the January
appraisal (R-A1..R-A4, R-P1) and the grade changes HR confirms (R-Q8)."""

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from steward.demo import activity
from steward.demo.client import AUDITOR, CHANNEL, CHECKER, HR, SUPERVISOR, Api, ApiError, As, cm, eventually
from steward.demo.corebanking import Published
from steward.demo.plan import LOW, MIDDLE, Cooperative, ManagerPlan
from steward.demo.seed import DemoError, promotion_body

Bar = Callable[[str, int], Callable[[int], None]]
FINDING = {
    "description": "The 2025 loan renewal lacks the collateral valuation the credit file requires",
    "severity": "medium",
    "amount_at_risk": "80000.00",
}


async def ask_to_leave(api: Api, coop: Cooperative, today: date) -> None:
    """R-I6: a trainee asks to leave; customer service freezes their portfolio and publishes it to audit."""
    m = coop.by_story("departing")
    body = {
        "reason": "leaving to run the family business",
        "intended_last_day": str(today + timedelta(days=30)),
    }
    await api.post("staffing", f"/managers/{m.id}/departure", HR, body)


async def depart(api: Api, coop: Cooperative, outcome: dict[str, Any], within: float) -> None:
    """R-I6: audit reviews each customer of the leaving CM; a finding blocks the departure until resolved."""
    m = coop.by_story("departing")

    async def with_portfolio() -> dict[str, Any] | None:
        found = await api.get("audit", "/departure-audits", AUDITOR, manager_id=m.id)
        return dict(found[0]) if found and found[0]["portfolio_received"] else None

    audit = await eventually(with_portfolio, within, f"the departure audit of {m.name} with the portfolio")
    base = f"/departure-audits/{audit['id']}/items"
    first, *others = audit["items"]
    finding = await api.post("audit", f"{base}/{first['id']}/findings", AUDITOR, FINDING)
    refused = await api.attempt(
        "POST", "audit", f"{base}/{first['id']}/clear", AUDITOR, {"note": "files in order"}
    )
    if refused.status_code != 422:
        raise DemoError(f"an item with an open finding was cleared: {refused.text[:300]}")
    await asyncio.gather(
        *(
            api.post("audit", f"{base}/{i['id']}/clear", AUDITOR, {"note": "loan and deposit files in order"})
            for i in others
        )
    )
    await asyncio.sleep(1.0)  # time for a premature clearance to show, were the gate broken
    blocked = (await api.get("staffing", f"/managers/{m.id}", HR))["status"]
    remedy = {"remediation": "Valuation obtained from the county appraiser and added to the credit file"}
    await api.post("audit", f"/findings/{finding['id']}/resolution", AUDITOR, remedy)
    await api.post("audit", f"{base}/{first['id']}/clear", AUDITOR, {"note": "valuation now on file"})

    async def departed() -> bool:
        return bool((await api.get("staffing", f"/managers/{m.id}", HR))["status"] == "departed")

    await eventually(departed, within, f"staffing to mark {m.name} departed")
    heir = next(x for x in coop.of_tier(LOW) if not x.story)
    moved = await api.post(
        "customer",
        "/reassignments",
        SUPERVISOR,
        {"from_manager_id": m.id, "to_manager_id": heir.id, "reason": f"portfolio of {m.name}, who left"},
    )
    outcome["departure"] = {
        "manager_id": m.id,
        "name": m.name,
        "audit_id": audit["id"],
        "items": len(audit["items"]),
        "finding_id": finding["id"],
        "finding_customer_id": first["customer_id"],
        "refused_clear": str(refused.json()["detail"]),
        "status_while_blocked": blocked,
        "reassigned_to": heir.id,
        "moved": len(moved["moved"]),
    }


async def _caught_up(api: Api, coop: Cooperative, published: Published, within: float) -> None:
    """Appraisal has every CM, team, assignment and posting (the last of each partition is booked)."""
    ids = {m.id for m in coop.managers.values()}
    departed = coop.by_story("departing").id

    async def managers() -> bool:
        seen = {r["manager_id"]: r for r in await api.get("appraisal", "/managers", SUPERVISOR)}
        return ids <= set(seen) and seen[departed]["standing"] == "left"

    async def teams() -> bool:
        known = {t["team_id"] for t in await api.get("appraisal", "/teams", SUPERVISOR)}
        return {t.id for t in coop.teams.values()} <= known

    await eventually(managers, within, "appraisal to learn of every CM and the departure")
    await eventually(teams, within, "appraisal to learn of the teams")
    for customer_id, posting_id in published.last_posting.values():

        async def booked(customer_id: str = customer_id, posting_id: str = posting_id) -> bool:
            rows = await api.get("appraisal", f"/ledger/customers/{customer_id}", SUPERVISOR)
            return any(r["posting_id"] == posting_id for r in rows)

        await eventually(booked, within, "appraisal to book the year's profit postings")

    async def none_held() -> bool:
        return not await api.get("appraisal", "/ledger/held", SUPERVISOR, limit=1)

    await eventually(none_held, within, "appraisal to know who served every customer")


async def close_expenses(api: Api, year: int, within: float) -> dict[str, Any]:
    """R-P2: HR closes the expense year; each CM's overspend goes to appraisal to be deducted."""
    response = await api.attempt("POST", "staffing", f"/expense-years/{year}/closure", HR)
    if response.status_code == 409:
        return {"year": year, "managers": 0, "total_overspend": "already closed"}
    if response.status_code >= 300:
        raise DemoError(f"closing the expense year failed: {response.text[:300]}")
    closed = dict(response.json())

    async def arrived() -> bool:
        rows = await api.get("appraisal", "/ledger/overspends", SUPERVISOR, year=year)
        return bool(len(rows) >= closed["managers"])

    await eventually(arrived, within, "appraisal to receive the year's overspends")
    return closed


async def _open_cycle(api: Api, coop: Cooperative, year: int) -> dict[str, Any]:
    body = {"year": year, "sample_size": 3, "seed": f"demo-{coop.seed}"}
    response = await api.attempt("POST", "appraisal", "/cycles", SUPERVISOR, body)
    if response.status_code == 201:
        return dict(response.json())
    cycles = await api.get("appraisal", "/cycles", SUPERVISOR, year=year)
    live = [c for c in cycles if c["status"] in ("open", "computed")]
    if response.status_code == 409 and live:
        return dict(live[0])  # opened already (on the January day, by the service itself)
    raise DemoError(f"the {year} appraisal could not be opened: {response.text[:300]}")


def _evaluator(m: ManagerPlan, source: str) -> As:
    return {"self": cm(m.id), "supervisor": SUPERVISOR}.get(source, CHANNEL)


async def evaluate(api: Api, coop: Cooperative, cycle_id: str, bar: Bar) -> int:
    """R-A3: each CM's self-assessment, the supervisor's, and each sampled customer's, by their channel."""
    by_id = {m.id: m for m in coop.managers.values()}
    missing = await api.get("appraisal", f"/cycles/{cycle_id}/missing-evaluations", SUPERVISOR)
    step = bar("evaluations", len(missing))
    order: dict[tuple[str, str], int] = {}

    async def one(owed: dict[str, Any]) -> None:
        m, source = by_id[owed["manager_id"]], owed["source"]
        index = order[(m.id, source)] = order.get((m.id, source), -1) + 1
        body: dict[str, Any] = {
            "source": source,
            **{k: str(v) for k, v in activity.evaluation(coop.seed, m, source, index).items()},
        }
        if source == "customer":
            body["customer_id"] = owed["evaluator"]
        await api.post(
            "appraisal", f"/cycles/{cycle_id}/managers/{m.id}/evaluations", _evaluator(m, source), body
        )
        step(1)

    await asyncio.gather(*(one(owed) for owed in missing))
    return len(missing)


def split_pool(coop: Cooperative, team_id: str, amount: Decimal) -> tuple[ManagerPlan, dict[str, str]]:
    """R-A4: the lead's split of the team's pool, to the fen; the lead takes what rounding leaves."""
    team = next(t for t in coop.teams.values() if t.id == team_id)
    parts = {
        coop.managers[k].id: (amount * f).quantize(Decimal("0.01"), ROUND_DOWN)
        for k, f in team.split().items()
    }
    lead = coop.managers[team.lead]
    parts[lead.id] += amount - sum(parts.values())
    return lead, {k: str(v) for k, v in parts.items()}


async def appraise(
    api: Api,
    coop: Cooperative,
    year: int,
    published: Published,
    outcome: dict[str, Any],
    bar: Bar,
    within: float,
) -> None:
    """R-A1..R-A4, R-P1: open last year's cycle, evaluate, let leads split pools, finalize."""
    await _caught_up(api, coop, published, within)
    outcome["expense_year"] = await close_expenses(api, year, within)
    cycle = await _open_cycle(api, coop, year)
    outcome["cycle_id"] = cycle["id"]
    outcome["evaluations"] = await evaluate(api, coop, cycle["id"], bar)
    computed = await api.post("appraisal", f"/cycles/{cycle['id']}/compute", SUPERVISOR)
    for pool in computed["pools"]:
        if not pool["allocated"]:
            lead, parts = split_pool(coop, pool["team_id"], Decimal(str(pool["amount"])))
            path = f"/cycles/{cycle['id']}/pools/{pool['team_id']}"
            await api.call("PUT", "appraisal", path, cm(lead.id), {"allocations": parts})
    outcome["pools"] = computed["pools"]
    final = await api.post("appraisal", f"/cycles/{cycle['id']}/finalize", SUPERVISOR)
    outcome["finalized"] = final


async def confirm_grades(
    api: Api, coop: Cooperative, year: int, outcome: dict[str, Any], within: float
) -> None:
    """R-Q8: staffing receives a proposal per CM; another HR user confirms each (maker-checker)."""
    expected = outcome["finalized"]["participants"]

    async def arrived() -> list[dict[str, Any]] | None:
        rows = await api.get("staffing", "/grade-proposals", HR, status="pending")
        mine = [r for r in rows if r["year"] == year]
        return mine if len(mine) >= expected else None

    proposals = await eventually(arrived, within, "staffing to receive the appraisal's grade proposals")
    reason = f"Confirmed after the {year} appraisal (R-Q8)"
    decided = await asyncio.gather(
        *(
            api.post(
                "staffing",
                f"/grade-proposals/{p['id']}/decision",
                CHECKER,
                {"confirm": True, "reason": reason},
            )
            for p in proposals
        )
    )
    outcome["proposals"] = list(decided)


async def lead_after_promotion(api: Api, coop: Cooperative, outcome: dict[str, Any], within: float) -> None:
    """R-Q5 with R-Q8: the promoted trainee may now be primary of the customer refused to them before."""
    riser = next(m for m in coop.of_tier(LOW) if m.story == "rising")
    middle = coop.grades[MIDDLE].code

    async def regraded() -> bool:
        seen = await api.get("customer", f"/managers/{riser.id}", SUPERVISOR)
        return bool(seen["grade"] == middle)

    await eventually(regraded, within, f"customer service to learn {riser.name}'s new grade")
    customer_id, body = promotion_body(coop)
    path = f"/customers/{customer_id}/assignment"
    # The other confirmed grades are still reaching customer service, and each re-checks the customers its
    # CM serves: a re-check that commits between this PUT's read and write makes it a lost update (409,
    # nothing changed). A PUT sets the whole team, so sending it again is what "reload and retry" asks.
    for _ in range(5):
        answer = await api.attempt("PUT", "customer", path, SUPERVISOR, body)
        if answer.status_code != 409:
            break
    if answer.status_code >= 300:
        raise ApiError("PUT", path, answer.status_code, answer.text)
    accepted = answer.json()
    outcome["promotion"] = {
        "manager_id": riser.id,
        "customer_id": customer_id,
        "managers": accepted["managers"],
    }
