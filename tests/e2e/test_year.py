"""Issue 7 end to end: a reduced year of a cooperative, played by `steward demo` against the four services
as processes (and the risk desk, as `steward up --with-risk-desk` runs it) on the embedded broker, on
SQLite and on PostgreSQL; then the outcomes, read back from the APIs and topics, rule by rule.
"""

import asyncio
import os
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.appraisal.domain.attribution import Assignment, attribute, from_fen
from shared.auth import issue_token
from shared.envelope import parse_envelope
from shared.settings import ServiceSettings
from steward.catalog import SERVICES, ServiceEntry
from steward.demo import activity
from steward.demo.closing import split_pool
from steward.demo.plan import LOW, MIDDLE, Cooperative
from steward.demo.runner import DemoConfig, run_demo
from steward.embedded_broker import free_port
from steward.suite import Suite, SuiteConfig
from tests.support import read_all
from tests.templates import start_suite

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]
ORG = "rcc-year"
SEED = 7


@dataclass
class _Config(SuiteConfig):
    """The suite of `steward up`, with a database URL per service when given (PostgreSQL)."""

    databases: dict[str, str] = field(default_factory=dict)

    def database_url(self, service: ServiceEntry) -> str:
        """The given database, else SQLite under the data folder."""
        return self.databases.get(service.name) or super().database_url(service)


@dataclass
class Year:
    """A played year: where the suite runs, the cooperative as planned (with ids) and what the demo saw."""

    urls: dict[str, str]
    kafka: str
    coop: Cooperative
    out: dict[str, Any]


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"), timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Year]:
    """The suite as processes on free loopback ports, one database per service, and a year played on it."""
    tmp: Path = tmp_path_factory.mktemp(f"year-{request.param}")
    databases: dict[str, str] = {}
    admin = request.getfixturevalue("postgres_admin_url") if request.param == "postgresql" else ""
    if admin:
        base, _, _ = admin.rpartition("/")
        for service in SERVICES:
            name = f"steward_year_{service.name}_{uuid.uuid4().hex[:8]}"
            asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
            databases[service.name] = f"{base}/{name}"
    ports = {name: free_port() for name in ("broker", *(s.name for s in SERVICES))}
    config = _Config(
        broker_port=ports["broker"],
        ports={s.name: ports[s.name] for s in SERVICES},
        var_dir=tmp / "var",
        ready_timeout=120,
        with_risk_desk=True,
        databases=databases,
        console_port=None,  # the year is played over the APIs; the Workbench has its own tests
    )
    suite = Suite(config)
    with pytest.MonkeyPatch.context() as env:
        for name in [k for k in os.environ if k.startswith("STEWARD_") and not k.startswith("STEWARD_TEST_")]:
            env.delenv(name)
        env.setenv("STEWARD_APPRAISAL_AUTO_OPEN_CHECK_SECONDS", "0")  # the test opens the cycle itself
        env.setenv("STEWARD_AUDIT_COMPLIANCE_SWEEP_SECONDS", "0")  # the demo sweeps once at the end
        try:
            start_suite(suite, lambda _line: None)
            urls = {s.name: f"http://127.0.0.1:{ports[s.name]}" for s in SERVICES}
            demo = DemoConfig(
                urls=urls,
                kafka=config.kafka_address(),
                org=ORG,
                seed=SEED,
                managers=8,
                customers=40,
                risk_desk="external",  # the suite's own desk decides (it may still be joining its group)
                wait=60,
            )
            coop, out = asyncio.run(run_demo(demo))
            yield Year(urls, config.kafka_address(), coop, out)
        finally:
            suite.stop()
            for name in databases.values():
                asyncio.run(
                    _admin(admin, f'DROP DATABASE IF EXISTS "{name.rpartition("/")[2]}" WITH (FORCE)')
                )


def _auth(user: str, *roles: str) -> dict[str, str]:
    token = issue_token(ServiceSettings(profile="dev"), user_id=user, roles=roles, org_id=ORG)
    return {"Authorization": f"Bearer {token}"}


SUP, HR, AUD = _auth("sup-1", "supervisor"), _auth("hr-1", "hr"), _auth("aud-1", "auditor")


async def _get(url: str, headers: dict[str, str], **params: Any) -> Any:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(url, headers=headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()


async def test_R_C3_a_customer_that_needs_two_CMs_is_refused_with_one(year: Year):
    assert "R-C3" in year.out["refusals"]["R-C3"]
    pair = year.coop.showcase("two-managers")
    primary = year.coop.managers[pair.primary].id
    async with httpx.AsyncClient(timeout=30) as http:
        alone = await http.put(
            f"{year.urls['customer']}/customers/{pair.id}/assignment",
            headers=SUP,
            json={"primary_manager_id": primary, "reason": "one CM should do"},
        )
    assert alone.status_code == 422, alone.text
    assert "R-C3" in alone.json()["detail"]
    served = await _get(f"{year.urls['customer']}/customers/{pair.id}", SUP)
    assert len(served["managers"]) == 2
    assert served["compliant"]


async def test_R_R2_a_recommendation_reaches_risk_and_its_decision_comes_back(year: Year):
    credit = {r["id"]: r for r in year.out["credit"]}
    sent = [parse_envelope(r.value) for r in await read_all(year.kafka, "customer.credit-recommendations")]
    submitted = {
        e.payload["recommendation_id"] for e in sent if e.event_type == "credit-recommendation.submitted"
    }
    assert set(credit) <= submitted
    decisions = [parse_envelope(r.value) for r in await read_all(year.kafka, "risk.credit-decisions")]
    assert set(credit) <= {e.payload["recommendation_id"] for e in decisions}
    for rec_id, rec in credit.items():
        now = await _get(f"{year.urls['customer']}/credit-recommendations/{rec_id}", SUP)
        assert now["status"] == rec["status"]
        assert now["status"] in ("approved", "declined")
    statuses = [r["status"] for r in credit.values()]
    assert "approved" in statuses
    assert "declined" in statuses
    arrears = {c.id for c in year.coop.customers if c.arrears}
    assert all(r["status"] == "declined" for r in credit.values() if r["customer_id"] in arrears)
    asked = [r for r in credit.values() if r["questions"]]
    assert asked
    assert all(q["answer"] for r in asked for q in r["questions"])
    cosigned = [r for r in credit.values() if r["cosigned"]]
    assert cosigned
    assert all(r["cosigned_by"] and r["amount"] > r["authorization_limit"] for r in cosigned)


async def test_R_M4_overdue_visits_are_flagged(year: Year):
    neglected = {c.id for c in year.coop.customers if c.neglected}
    assert neglected
    overdue = await _get(f"{year.urls['customer']}/visit-schedule", SUP, overdue="true")
    assert {d["customer_id"] for d in overdue} == neglected
    findings = await _get(f"{year.urls['audit']}/findings", AUD, rule_id="R-M4", status="open")
    assert {f["customer_id"] for f in findings} == neglected


async def test_R_I6_the_departure_is_blocked_by_a_finding_then_cleared(year: Year):
    dep = year.out["departure"]
    assert dep["status_while_blocked"] == "departure_pending"
    assert "open finding" in dep["refused_clear"]
    findings = await _get(f"{year.urls['audit']}/findings", AUD, rule_id="R-I6")
    assert [(f["id"], f["status"]) for f in findings] == [(dep["finding_id"], "resolved")]
    assert findings[0]["customer_id"] == dep["finding_customer_id"]
    assert findings[0]["remediation"]
    audit = await _get(f"{year.urls['audit']}/departure-audits/{dep['audit_id']}", AUD)
    assert audit["status"] == "cleared"
    assert audit["items_done"] == audit["items_total"] == dep["items"]
    assert audit["cleared_at"] > findings[0]["resolved_at"]
    manager = await _get(f"{year.urls['staffing']}/managers/{dep['manager_id']}", HR)
    assert manager["status"] == "departed"
    assert manager["departure_audit_id"] == dep["audit_id"]


def _expected_profit(year: Year) -> tuple[dict[str, int], dict[str, int]]:
    """R-A2/R-A4 from the postings the demo published: fen per CM (direct) and per team pool."""
    coop, direct, pools = year.coop, defaultdict(int), defaultdict(int)
    for c in coop.customers:
        fen = sum(int(p.amount * 100) for p in activity.postings(c, year.out["year"], coop.seed))
        ids = {k: coop.managers[k].id for k in (c.primary, *c.co)}
        mode = "team_pool" if c.pooled else "shares"
        shares = {ids[k]: v for k, v in c.shares.items()} or {ids[c.primary]: Decimal(100)}
        team = coop.teams[c.team].id if c.team else None
        split = attribute(fen, Assignment(ids[c.primary], mode, {} if c.pooled else shares, team))
        for manager_id, part in split.managers.items():
            direct[manager_id] += part
        if split.team_id is not None:
            pools[split.team_id] += split.team_fen
    return direct, pools


async def test_R_A4_profit_is_attributed_by_shares_and_a_team_pool_split_by_its_lead(year: Year):
    cycle = year.out["cycle_id"]
    direct, pools = _expected_profit(year)
    results = await _get(f"{year.urls['appraisal']}/cycles/{cycle}/results", SUP, limit=1000)
    assert results
    assert all(r["final"] for r in results)
    shared = [c for c in year.coop.customers if len(c.shares) == 2]
    assert shared, "the year has customers whose profit is split by shares"
    assert pools, "the year has a team pool"
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    for pool in await _get(f"{year.urls['appraisal']}/cycles/{cycle}/pools", SUP):
        assert Decimal(str(pool["amount"])) == from_fen(pools[pool["team_id"]])
        assert pool["allocated"]
        _, parts = split_pool(year.coop, pool["team_id"], Decimal(str(pool["amount"])))
        assert {k: Decimal(str(v)) for k, v in pool["allocations"].items()} == {
            k: Decimal(v) for k, v in parts.items()
        }
        for manager_id, amount in parts.items():
            allocated[manager_id] += Decimal(amount)
    for r in results:
        assert Decimal(str(r["direct_profit"])) == from_fen(direct[r["manager_id"]]), r["name"]
        assert Decimal(str(r["pool_profit"])) == allocated[r["manager_id"]], r["name"]


def _overspend(year: Year) -> dict[str, Decimal]:
    """R-P2 from the expenses the demo recorded and each CM's budget for the grade they held that year."""
    result = {}
    for index, m in enumerate(year.coop.managers.values()):
        spent: dict[str, Decimal] = defaultdict(Decimal)
        for e in activity.expenses(m, index, year.out["year"], year.coop.seed):
            spent[e.category] += e.amount
        total = sum(spent.values(), Decimal(0)) - sum(m.grade.budget.values(), Decimal(0))
        result[m.id] = max(Decimal(0), total)  # R-P2: what exceeds the yearly total
    return result


async def test_R_P1_R_P2_floating_pay_has_no_cap_and_overspend_is_deducted(year: Year):
    cycle, year_ = year.out["cycle_id"], year.out["year"]
    expected = _overspend(year)
    results = await _get(f"{year.urls['appraisal']}/cycles/{cycle}/results", SUP, limit=1000)
    for r in results:
        profit, rate = Decimal(str(r["attributed_profit"])), Decimal(r["floating_rate"])
        floating = (profit * rate).quantize(Decimal("0.01"), ROUND_HALF_UP) if profit > 0 else Decimal(0)
        assert Decimal(str(r["floating_pay"])) == floating, r["explanation"]  # profit x rate, however large
        assert Decimal(str(r["overspend"])) == expected[r["manager_id"]], r["name"]
        net = Decimal(str(r["fixed_pay"])) + floating - expected[r["manager_id"]]
        assert Decimal(str(r["net_pay"])) == net, r["explanation"]
        budget = await _get(f"{year.urls['staffing']}/managers/{r['manager_id']}/budget", HR, year=year_)
        assert Decimal(str(budget["overspend"])) == expected[r["manager_id"]], r[
            "name"
        ]  # after a grade change too
    overspenders = [r for r in results if Decimal(str(r["overspend"])) > 0]
    assert overspenders
    assert any(r["proposal"] != "keep" for r in overspenders)


async def test_R_Q8_a_promotion_is_proposed_confirmed_and_used_by_assignment_checks(year: Year):
    riser = next(m for m in year.coop.of_tier(LOW) if m.story == "rising")
    middle = year.coop.grades[MIDDLE].code
    proposals = await _get(f"{year.urls['staffing']}/grade-proposals", HR)
    mine = [p for p in proposals if p["manager_id"] == riser.id]
    assert [(p["kind"], p["to_grade"], p["status"]) for p in mine] == [("promote", middle, "confirmed")]
    assert mine[0]["created_by"] != mine[0]["decided_by"]  # maker-checker
    assert (await _get(f"{year.urls['staffing']}/managers/{riser.id}", HR))["grade"] == middle
    assert (await _get(f"{year.urls['customer']}/managers/{riser.id}", SUP))["grade"] == middle
    assert "R-Q5" in year.out["refusals"]["R-Q5"]  # the same assignment, refused before the promotion
    pair = await _get(f"{year.urls['customer']}/customers/{year.out['promotion']['customer_id']}", SUP)
    assert next((a["manager_id"], a["role"]) for a in pair["managers"]) == (riser.id, "primary")
    assert pair["compliant"]
