"""The year's work: visits and phone contacts, satisfaction, daily reports, expenses, reports and credit."""

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from steward.demo import activity
from steward.demo.client import SUPERVISOR, Api, ApiError, cm, eventually
from steward.demo.plan import Cooperative, CustomerPlan, ManagerPlan
from steward.demo.seed import Whose

DECIDED = ("approved", "declined")


def visit_body(c: CustomerPlan, v: activity.Visit, manager_id: str) -> dict[str, Any]:
    """A visit report as the CM files it right after the visit (R-M2)."""
    body: dict[str, Any] = {"kind": v.kind, "occurred_at": v.at.isoformat()}
    if v.satisfaction is not None:
        body["satisfaction"] = v.satisfaction
    if v.kind == "phone":
        body["phone"] = {"summary": f"Called {c.name} about their accounts and upcoming needs"}
        return body
    if v.kind == "sales":
        body["sales_plan"] = {
            "preliminary_value_assessment": "Growing business with unmet credit and settlement needs",
            "attendees": [{"manager_id": manager_id, "role": "lead"}],
            "scheduled_for": (v.at - timedelta(days=3)).isoformat(),
            "method": "on-site visit",
            "questions": ["What are the plans for next season?", "Who do you bank with today?"],
            "customer_needs": "working capital ahead of the harvest",
            "materials": ["product sheet"],
        }
        body["sales"] = {
            "introductions_made": True,
            "rapport": "met the owner and the accountant",
            "motives": ["more_profit"],
            "qualified_as": "prime",
            "pitch": "seasonal working-capital line with payment services",
            "agreement_checked": True,
            "next_meeting": (v.at + timedelta(days=30)).isoformat(),
        }
        return body
    next_on = v.at.date() + timedelta(days=activity.INTERVALS[c.importance])
    body["maintenance"] = {
        **dict.fromkeys(("greeted", "summarized_agreement", "asked_satisfaction"), True),
        **dict.fromkeys(("stated_objectives", "listened", "asked_comments"), True),
        "problems_found": "slow transfers at month end" if (v.satisfaction or 5) <= 2 else "",
        "data_discussed": "balances, rates and the year's plan",
        "cross_sell_opportunities": "payroll cards" if c.kind.value == "corporate" else "",
        "next_visit_on": next_on.isoformat(),
    }
    return body


async def file_visits(
    api: Api, coop: Cooperative, year: int, today: date, step: Callable[[int], None], whose: Whose
) -> dict[str, int]:
    """R-M1..R-M5: each primary CM files their customer's visits one after another; returns counts."""
    counts = {"in_person": 0, "phone": 0}

    async def customer(c: CustomerPlan) -> None:
        manager_id = coop.managers[c.primary].id
        for v in activity.visits(c, year, today, coop.seed):
            await api.post(
                "customer", f"/customers/{c.id}/visits", cm(manager_id), visit_body(c, v, manager_id)
            )
            counts["phone" if v.kind == "phone" else "in_person"] += 1
            step(1)

    await asyncio.gather(*(customer(c) for c in coop.customers if whose(coop.managers[c.primary])))
    return counts


async def daily_reports(
    api: Api, coop: Cooperative, today: date, step: Callable[[int], None], whose: Whose
) -> int:
    """R-W4: every CM plans today by priority in the morning and reports the outcome in the evening."""
    served: dict[str, CustomerPlan] = {}
    for c in coop.customers:
        served.setdefault(c.primary, c)

    async def one(m: ManagerPlan) -> None:
        first = served.get(m.key)
        tasks = [
            {
                "description": f"Visit {first.name}" if first else "Visit a prospect",
                "priority": "primary",
                "customer_id": first.id if first else None,
                "expected_result": "next year's needs agreed",
            },
            {"description": "Prepare the credit files", "priority": "secondary"},
            {"description": "Phone follow-ups", "priority": "minor"},
        ]
        path = f"/managers/{m.id}/days/{today.isoformat()}"
        await api.call("PUT", "customer", f"{path}/plan", cm(m.id), {"tasks": tasks})
        outcomes = [
            {"task": 0, "done": True, "result": "visited; renewal to be prepared"},
            {"task": 1, "done": True, "result": "two files completed"},
            {"task": 2, "done": False, "result": "moved to tomorrow"},
        ]
        await api.call("PUT", "customer", f"{path}/outcome", cm(m.id), {"outcomes": outcomes})
        step(1)

    chosen = [m for m in coop.managers.values() if whose(m)]
    await asyncio.gather(*(one(m) for m in chosen))
    return len(chosen)


async def record_expenses(
    api: Api, coop: Cooperative, year: int, step: Callable[[int], None], whose: Whose
) -> int:
    """R-P2: each CM records their marketing expenses; some go over their grade's budget."""
    served: dict[str, str] = {}
    for c in coop.customers:
        served.setdefault(c.primary, c.id)
    total: dict[str, Any] = {}

    async def one(index: int, m: ManagerPlan) -> None:
        for e in activity.expenses(m, index, year, coop.seed):
            body = {
                "category": e.category,
                "amount": str(e.amount),
                "spent_on": e.spent_on.isoformat(),
                "customer_id": served.get(m.key) if e.on_customer else None,
                "receipt_ref": f"R{year}-{m.employee_no}-{e.spent_on:%m%d}",
                "description": f"{e.category} for customers of {m.branch} branch",
            }
            await _record_expense(api, m, body)
            total[m.key] = total.get(m.key, 0) + 1
            step(1)

    await asyncio.gather(*(one(i, m) for i, m in enumerate(coop.managers.values()) if whose(m)))
    return sum(total.values())


async def _decision(api: Api, rec_id: str, within: float, states: tuple[str, ...]) -> dict[str, Any]:
    async def decided() -> dict[str, Any] | None:
        rec = await api.get("customer", f"/credit-recommendations/{rec_id}", SUPERVISOR)
        return dict(rec) if rec["status"] in states else None

    return await eventually(decided, within, f"the risk department's decision on {rec_id}")


async def credit(
    api: Api, coop: Cooperative, step: Callable[[int], None], within: float
) -> list[dict[str, Any]]:
    """R-W3, R-R2..R-R4, R-I1: reports, recommendations, senior co-signs, risk's questions answered."""

    async def one(r: activity.Recommendation) -> dict[str, Any]:
        c = next(x for x in coop.customers if x.key == r.customer)
        author = coop.managers[r.author]
        report = await api.post(
            "customer",
            f"/customers/{c.id}/reports",
            cm(author.id),
            {
                "kind": "comprehensive_evaluation",
                "title": f"Comprehensive evaluation of {c.name}",
                "body": f"Business, finances and repayment capacity of {c.name}; balances as reported.",
            },
        )
        body = {
            "product": author.grade.credit_product(),
            "amount": str(r.amount),
            "term_months": 12 if r.amount < 500_000 else 36,
            "purpose": "seasonal working capital",
            "rationale": "steady deposits and profit this year; collateral in the file",
            "report_ids": [report["id"]],
        }
        rec = await api.post("customer", f"/customers/{c.id}/credit-recommendations", cm(author.id), body)
        if rec["status"] == "awaiting_cosign" and r.cosigner:
            cosigner = coop.managers[r.cosigner].id
            rec = await api.post("customer", f"/credit-recommendations/{rec['id']}/cosign", cm(cosigner))
        rec = await _decision(api, rec["id"], within, (*DECIDED, "info_requested"))
        if rec["status"] == "info_requested":
            for q in rec["questions"]:
                if q["answer"] is None:
                    answer = {
                        "question_id": q["id"],
                        "answer": "Audited accounts and a 24-month cash-flow plan",
                    }
                    await api.post(
                        "customer", f"/credit-recommendations/{rec['id']}/answers", cm(author.id), answer
                    )
            rec = await _decision(api, rec["id"], within, DECIDED)
        step(1)
        return {**rec, "author_key": r.author, "customer_key": r.customer, "cosigned": r.cosigner is not None}

    planned = activity.recommendations(coop)
    arrears = {c.key for c in coop.customers if c.arrears}
    first = await asyncio.gather(*(one(r) for r in planned if r.customer not in arrears))
    # Customers in arrears come once risk has decided the rest, so it has long read their balances.
    return [*first, *await asyncio.gather(*(one(r) for r in planned if r.customer in arrears))]


async def _record_expense(api: Api, m: ManagerPlan, body: dict[str, Any]) -> None:
    """Record an expense; staffing learns whom the CM serves from events, so a new customer may lag (R-P2)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while True:
        try:
            await api.post("staffing", f"/managers/{m.id}/expenses", cm(m.id), body)
            return
        except ApiError as refused:
            if refused.status != 422 or '"R-P2"' not in refused.body or loop.time() > deadline:
                raise
            await asyncio.sleep(0.5)  # poll: staffing has not consumed the customer's assignment yet
