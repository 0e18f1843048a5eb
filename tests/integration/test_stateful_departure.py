"""R-I6: the departure saga in staffing under any sequence of requests, withdrawals and clearances.

HR or the CM themself request and withdraw departures over HTTP; audit's `audit.departure-cleared` arrives
on `audit.cases` at any moment, sometimes twice, sometimes forged by another producer. The machine drives
the real staffing app in-process (SQLite, no broker; events are handed to its consumer). After every step:
each CM's status is what the saga allows (active → departure_pending → departed, or back to active on a
withdrawal; departed is final and reached only through audit's clearance of a pending departure); a
refused step changed nothing; and the outbox holds exactly one event per accepted transition.
"""

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from shared.consumer import Outcome
from shared.runtime import Runtime
from tests.inprocess import build_app, deliver, migrations, offline_settings
from tests.support import auth
from tests.templates import migrate_async

CMS = 3
TRANSITION_EVENTS = ("manager.departure-requested", "manager.departure-withdrawn", "manager.departed")
cm_indexes = st.integers(0, CMS - 1)
callers = st.sampled_from(["hr", "self"])


@pytest.fixture(scope="module")
def staffing_service(tmp_path_factory) -> Iterator[tuple[Any, TestClient]]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('saga') / 'staffing.db'}"
    asyncio.run(migrate_async(migrations("staffing"), url))
    app = build_app("staffing", offline_settings("staffing", url))
    with TestClient(app) as client:
        yield app, client


async def _published(app: Any, keys: list[str]) -> Counter[tuple[str, str]]:
    runtime: Runtime = app.state.runtime
    outbox = runtime.definition.tables.outbox
    assert runtime.session_factory is not None
    async with runtime.session_factory() as session:
        rows = await session.execute(
            select(outbox.c.key, outbox.c.event_type).where(
                outbox.c.key.in_(keys), outbox.c.event_type.in_(TRANSITION_EVENTS)
            )
        )
        return Counter((key, event_type) for key, event_type in rows.all())


class DepartureSaga(RuleBasedStateMachine):
    """One run: its own CMs, with the status the saga should give each."""

    app: Any = None
    client: TestClient | None = None

    def __init__(self) -> None:
        super().__init__()
        assert self.client is not None
        run = uuid.uuid4().hex[:6]
        self.hr = auth(self.app.state.settings, "hr-1", "hr")
        self.cms: list[str] = []
        for i in range(CMS):
            response = self.client.post(
                "/managers",
                headers=self.hr,
                json={"employee_no": f"E{run}{i}", "name": f"CM {i}", "grade": "cm", "branch": "north"},
            )
            assert response.status_code == 201, response.text
            self.cms.append(response.json()["id"])
        self.status = dict.fromkeys(self.cms, "active")
        self.expected: Counter[tuple[str, str]] = Counter()
        self.applied_clearances: list[tuple[str, str]] = []  # (manager id, event id) a consumer applied

    def _caller(self, manager_id: str, by: str) -> dict[str, str]:
        return self.hr if by == "hr" else auth(self.app.state.settings, manager_id, "cm")

    def _clearance(self, manager_id: str, event_id: str, producer: str = "audit") -> Outcome:
        assert self.client is not None
        payload = {
            "audit_id": f"da-{event_id[:8]}",
            "manager_id": manager_id,
            "cleared_at": datetime.now(UTC).isoformat(),
            "items_reviewed": 1,
        }
        send = partial(
            deliver,
            self.app,
            "audit.cases",
            "audit.departure-cleared",
            manager_id,
            payload,
            event_id=event_id,
            producer=producer,
        )
        outcome: Outcome = self.client.portal.call(send)
        return outcome

    @rule(i=cm_indexes, by=callers)
    def request_departure(self, i: int, by: str) -> None:
        assert self.client is not None
        manager_id = self.cms[i]
        response = self.client.post(
            f"/managers/{manager_id}/departure",
            json={"reason": "moving"},
            headers=self._caller(manager_id, by),
        )
        if self.status[manager_id] == "active":
            assert response.status_code == 202, response.text
            self.status[manager_id] = "departure_pending"
            self.expected[(manager_id, "manager.departure-requested")] += 1
        else:
            assert response.status_code == 409, response.text

    @rule(i=cm_indexes, by=callers)
    def withdraw_departure(self, i: int, by: str) -> None:
        assert self.client is not None
        manager_id = self.cms[i]
        response = self.client.post(
            f"/managers/{manager_id}/departure/withdrawal",
            json={"reason": "staying"},
            headers=self._caller(manager_id, by),
        )
        if self.status[manager_id] == "departure_pending":
            assert response.status_code == 200, response.text
            self.status[manager_id] = "active"
            self.expected[(manager_id, "manager.departure-withdrawn")] += 1
        else:
            assert response.status_code == 409, response.text

    @rule(i=cm_indexes, j=cm_indexes)
    def another_cm_interferes(self, i: int, j: int) -> None:
        """A CM cannot request or withdraw someone else's departure: 404, nothing changes."""
        assert self.client is not None
        if i == j:
            return
        other = auth(self.app.state.settings, self.cms[j], "cm")
        for path in ("departure", "departure/withdrawal"):
            response = self.client.post(
                f"/managers/{self.cms[i]}/{path}", json={"reason": "x"}, headers=other
            )
            assert response.status_code == 404, response.text

    @rule(i=cm_indexes)
    def audit_clears(self, i: int) -> None:
        manager_id = self.cms[i]
        event_id = str(uuid.uuid4())
        outcome = self._clearance(manager_id, event_id)
        if self.status[manager_id] == "departure_pending":
            assert outcome is Outcome.APPLIED
            self.status[manager_id] = "departed"
            self.expected[(manager_id, "manager.departed")] += 1
        elif self.status[manager_id] == "departed":
            assert outcome is Outcome.APPLIED  # a second audit's clearance changes nothing
        else:
            assert outcome is Outcome.DEAD_LETTERED  # nothing to clear: refused, kept for an operator
        if outcome is Outcome.APPLIED:
            self.applied_clearances.append((manager_id, event_id))

    @precondition(lambda self: self.applied_clearances)
    @rule(data=st.data())
    def a_clearance_is_delivered_again(self, data: st.DataObject) -> None:
        manager_id, event_id = data.draw(st.sampled_from(self.applied_clearances))
        assert self._clearance(manager_id, event_id) is Outcome.DUPLICATE

    @rule(i=cm_indexes, producer=st.sampled_from(["customer", "staffing", "risk"]))
    def someone_else_forges_a_clearance(self, i: int, producer: str) -> None:
        assert self._clearance(self.cms[i], str(uuid.uuid4()), producer=producer) is Outcome.DEAD_LETTERED

    @invariant()
    def R_I6_each_cm_is_where_the_saga_put_them(self) -> None:
        assert self.client is not None
        for manager_id, status in self.status.items():
            response = self.client.get(f"/managers/{manager_id}", headers=self.hr)
            assert response.status_code == 200, response.text
            assert response.json()["status"] == status, (manager_id, response.json())
        published = self.client.portal.call(_published, self.app, self.cms)
        assert published == self.expected, "one event per accepted transition, none for a refused one"


def test_R_I6_the_departure_saga_holds_under_any_sequence(staffing_service):
    app, client = staffing_service
    DepartureSaga.app, DepartureSaga.client = app, client
    run_state_machine_as_test(
        DepartureSaga,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # shrinking replays whole HTTP sequences for minutes; a failing run of 20 steps is read as it is
            phases=(Phase.explicit, Phase.reuse, Phase.generate),
        ),
    )


async def _request_event_ids(app: Any, manager_id: str) -> list[str]:
    runtime: Runtime = app.state.runtime
    outbox = runtime.definition.tables.outbox
    assert runtime.session_factory is not None
    async with runtime.session_factory() as session:
        rows = await session.scalars(
            select(outbox.c.event_id)
            .where(outbox.c.key == manager_id, outbox.c.event_type == "manager.departure-requested")
            .order_by(outbox.c.id)
        )
        return list(rows)


def test_R_I6_a_late_clearance_of_a_withdrawn_request_does_not_depart_a_cm_who_asked_again(staffing_service):
    """Request, withdraw, request again: the first audit's clearance (in flight meanwhile) must not count."""
    app, client = staffing_service
    hr = auth(app.state.settings, "hr-1", "hr")
    body = {"employee_no": f"E{uuid.uuid4().hex[:6]}", "name": "Late", "grade": "cm", "branch": "north"}
    manager_id = client.post("/managers", headers=hr, json=body).json()["id"]
    for step in ("departure", "departure/withdrawal", "departure"):
        response = client.post(f"/managers/{manager_id}/{step}", json={"reason": "r"}, headers=hr)
        assert response.status_code in (200, 202), response.text
    first_request, _second = client.portal.call(_request_event_ids, app, manager_id)
    stale = {
        "audit_id": "da-first",
        "manager_id": manager_id,
        "cleared_at": datetime.now(UTC).isoformat(),
        "items_reviewed": 1,
        "departure_event_id": first_request,  # what the fix adds to the contract
    }
    client.portal.call(
        partial(deliver, app, "audit.cases", "audit.departure-cleared", manager_id, stale, producer="audit")
    )
    status = client.get(f"/managers/{manager_id}", headers=hr).json()["status"]
    assert status == "departure_pending"
