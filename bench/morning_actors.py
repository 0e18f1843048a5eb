"""The morning's actors (bench/morning.py): 200 CMs and 10 supervisors, their tokens and operations.

Each operation is what the Workbench sends for it: My day's four calls at once, a CM's list, a customer,
its visits, a phone visit filed, a coming day planned, credit recommended; a supervisor's browsing and
reassignments, between two CMs, of the customers the CMs' own operations leave alone.
"""

import asyncio
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx

from bench.common import ORG, customer_id
from bench.procs import ServiceProcess

SUPERVISORS = 10
PER_CM = 50
OWN = 40  # a CM's operations use its first 40 customers; supervisors move the other 10 around
CM_OPS = {
    "my_day": 3,
    "customer_list": 3,
    "customer": 4,
    "visits": 2,
    "file_visit": 2,
    "plan_day": 1,
    "recommend": 1,
}
SUPERVISOR_OPS = {"sup_list": 2, "sup_customer": 2, "reassign": 1}
SUPERVISOR_SHARE = 0.1


class Morning:
    """The actors, their tokens and what each operation does."""

    def __init__(self, customer: ServiceProcess, staffing: ServiceProcess, managers: list[str]) -> None:
        self.managers = managers
        self.cm_auth = {m: {"Authorization": f"Bearer {customer.token(m, 'cm', org=ORG)}"} for m in managers}
        self.sup_auth = [
            {"Authorization": f"Bearer {customer.token(f'sup-{i}', 'supervisor', org=ORG)}"}
            for i in range(SUPERVISORS)
        ]
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        self.c = httpx.AsyncClient(base_url=customer.url, timeout=10, limits=limits)
        self.s = httpx.AsyncClient(base_url=staffing.url, timeout=10, limits=limits)
        self.plans: dict[str, int] = defaultdict(int)
        self.moved: dict[str, str] = {}  # pool customer -> its primary CM now
        self.failed: list[str] = []  # the first server errors of My day's calls, by call
        self.today = datetime.now(UTC).date()

    async def close(self) -> None:
        """Close the clients."""
        await self.c.aclose()
        await self.s.aclose()

    def choose(self, rng: random.Random) -> tuple[str, Callable[[], Awaitable[int]]]:
        """One operation by a random actor."""
        if rng.random() < SUPERVISOR_SHARE:
            op = rng.choices(list(SUPERVISOR_OPS), weights=list(SUPERVISOR_OPS.values()))[0]
            sup = rng.choice(self.sup_auth)
            k = rng.randrange(len(self.managers))
            return op, lambda: self._supervisor(op, sup, k, rng)
        op = rng.choices(list(CM_OPS), weights=list(CM_OPS.values()))[0]
        k = rng.randrange(len(self.managers))
        cid = customer_id(k * PER_CM + rng.randrange(OWN))
        return op, lambda: self._cm(op, k, cid, rng)

    async def _cm(self, op: str, k: int, cid: str, rng: random.Random) -> int:
        me = self.managers[k]
        auth = self.cm_auth[me]
        c = self.c
        if op == "my_day":
            answers = await asyncio.gather(
                c.get(f"/managers/{me}/days/{self.today.isoformat()}", headers=auth),
                c.get("/visit-schedule", params={"manager_id": me}, headers=auth),
                c.get("/credit-recommendations", headers=auth),
                self.s.get(f"/managers/{me}/budget", params={"year": self.today.year}, headers=auth),
            )
            for r in answers:
                if r.status_code >= 500 and len(self.failed) < 20:
                    self.failed.append(f"{r.request.method} {r.request.url.path} {r.status_code}")
            # No plan yet for today is a 404 the page expects.
            return max((r.status_code for r in answers if r.status_code != 404), default=200)
        if op == "customer_list":
            return (
                await c.get("/customers", params={"manager_id": me, "limit": 20}, headers=auth)
            ).status_code
        if op == "customer":
            return (await c.get(f"/customers/{cid}", headers=auth)).status_code
        if op == "visits":
            return (await c.get(f"/customers/{cid}/visits", headers=auth)).status_code
        if op == "file_visit":
            when = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
            visit = {"kind": "phone", "occurred_at": when, "phone": {"summary": "morning call"}}
            return (await c.post(f"/customers/{cid}/visits", json=visit, headers=auth)).status_code
        if op == "plan_day":
            self.plans[me] += 1  # one plan per day: each plan is for the next unplanned day
            day = (self.today + timedelta(days=self.plans[me])).isoformat()
            plan = {"tasks": [{"description": "visit the orchard", "priority": "primary"}]}
            return (await c.put(f"/managers/{me}/days/{day}/plan", json=plan, headers=auth)).status_code
        body = {
            "product": "loans",
            "amount": str(rng.randrange(1_000, 50_000)),
            "term_months": 12,
            "purpose": "seed and fertiliser",
            "rationale": "steady deposits",
        }
        return (await c.post(f"/customers/{cid}/credit-recommendations", json=body, headers=auth)).status_code

    async def _supervisor(self, op: str, auth: dict[str, str], k: int, rng: random.Random) -> int:
        me = self.managers[k]
        if op == "sup_list":
            return (
                await self.c.get("/customers", params={"manager_id": me, "limit": 50}, headers=auth)
            ).status_code
        if op == "sup_customer":
            cid = customer_id(k * PER_CM + rng.randrange(PER_CM))
            return (await self.c.get(f"/customers/{cid}", headers=auth)).status_code
        cid = customer_id(k * PER_CM + OWN + rng.randrange(PER_CM - OWN))
        if cid in self.moved:
            return 200  # one reassignment in flight or done per pool customer; keep it simple
        other = self.managers[(k + 1) % len(self.managers)]
        self.moved[cid] = other
        body = {"primary_manager_id": other, "reason": "portfolio balancing"}
        return (await self.c.put(f"/customers/{cid}/assignment", json=body, headers=auth)).status_code
