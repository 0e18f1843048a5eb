"""Issue 16: a cooperative's admin sees and replays only their cooperative's dead letters and parked
outbox rows; the platform operator sees all (and the malformed ones no cooperative can be read from);
a regular spot-check run is the caller's cooperative's, or every cooperative's for the platform."""

from datetime import UTC, datetime

from sqlalchemy import insert

from tests.inprocess import serve_offline
from tests.support import envelope_bytes


def _letter(org: str | None, offset: int) -> dict:
    value = b"\x00not json" if org is None else envelope_bytes("x.happened", "k", {}, org_id=org)
    return {
        "consumer": "customer.nobody",
        "topic": "t",
        "partition": 0,
        "offset": offset,
        "key": b"k",
        "value": value,
        "headers": {},
        "event_id": None,
        "event_type": None,
        "reason": "test",
        "attempts": 1,
        "status": "open",
        "created_at": datetime.now(UTC),
    }


def _outbox(org: str, n: int) -> dict:
    return {
        "event_id": f"e-{org}-{n}",
        "event_type": "x.happened",
        "topic": "t",
        "key": "k",
        "value": envelope_bytes("x.happened", "k", {}, org_id=org),
        "headers": {},
        "created_at": datetime.now(UTC),
        "attempts": 1,
        "parked_at": datetime.now(UTC),
        "parked_reason": "too large",
    }


async def test_an_admin_sees_and_replays_only_their_cooperatives_rows(tmp_path):
    async with serve_offline("customer", tmp_path / "scope.db") as svc:
        runtime = svc.app.state.runtime
        tables = runtime.definition.tables
        async with runtime.uow() as uow:
            for offset, org in enumerate(["rcc-a", "rcc-b", None, "rcc-a"]):
                await uow.session.execute(insert(tables.dead_letters).values(**_letter(org, offset)))
            for n, org in enumerate(["rcc-a", "rcc-b"]):
                await uow.session.execute(insert(tables.outbox).values(**_outbox(org, n)))
            await uow.commit()
        admin_a, admin_b = svc.as_("ops-a", "admin", org="rcc-a"), svc.as_("ops-b", "admin", org="rcc-b")
        platform = svc.as_("ops", "platform", org="steward-ops")

        listed = await svc.client.get("/admin/dead-letters", headers=admin_a)
        assert listed.status_code == 200, listed.text
        assert [letter["offset"] for letter in listed.json()] == [3, 0]
        assert listed.headers["x-total-count"] == "2"
        assert [
            x["offset"] for x in (await svc.client.get("/admin/dead-letters", headers=admin_b)).json()
        ] == [1]
        every = (await svc.client.get("/admin/dead-letters", headers=platform)).json()
        assert [letter["offset"] for letter in every] == [3, 2, 1, 0]
        ids = {letter["offset"]: letter["id"] for letter in every}

        # another cooperative's letter, or one whose cooperative cannot be read, is not revealed
        for offset in (1, 2):
            assert (
                await svc.client.get(f"/admin/dead-letters/{ids[offset]}", headers=admin_a)
            ).status_code == 404
            replay = await svc.client.post(f"/admin/dead-letters/{ids[offset]}/replay", headers=admin_a)
            assert replay.status_code == 404
        assert (await svc.client.get(f"/admin/dead-letters/{ids[0]}", headers=admin_a)).status_code == 200
        # the platform may replay any (here no consumer of that name: 409, past the scope check)
        assert (
            await svc.client.post(f"/admin/dead-letters/{ids[1]}/replay", headers=platform)
        ).status_code == 409

        parked_a = (await svc.client.get("/admin/outbox", headers=admin_a)).json()
        assert [row["event_id"] for row in parked_a] == ["e-rcc-a-0"]
        parked = (await svc.client.get("/admin/outbox", headers=platform)).json()
        assert [row["event_id"] for row in parked] == ["e-rcc-a-0", "e-rcc-b-1"]
        assert (
            await svc.client.post(f"/admin/outbox/{parked[1]['id']}/replay", headers=admin_a)
        ).status_code == 404
        replayed = await svc.client.post(f"/admin/outbox/{parked[1]['id']}/replay", headers=admin_b)
        assert replayed.status_code == 200, replayed.text


async def test_a_regular_spot_check_run_is_the_auditors_cooperatives_or_every_one_for_the_platform(tmp_path):
    payload = {
        "primary_manager_id": "m-9",
        "attribution_mode": "shares",
        "effective_from": "2026-03-01T09:00:00+00:00",
    }
    async with serve_offline("audit", tmp_path / "audit.db") as svc:
        for org in ("rcc-a", "rcc-b", "rcc-c"):
            await svc.deliver(
                "customer.customers",
                "customer.assignment-changed",
                f"c-{org}",
                {**payload, "customer_id": f"c-{org}"},
                org_id=org,
            )
        auditor_a = svc.as_("aud-a", "auditor", org="rcc-a")
        started = await svc.client.post("/spot-checks/regular-run", headers=auditor_a)
        assert started.status_code == 200, started.text
        assert len(started.json()) == 1
        check = (await svc.client.get(f"/spot-checks/{started.json()[0]}", headers=auditor_a)).json()
        assert check["kind"] == "regular"
        platform = svc.as_("ops", "platform", org="steward-ops")
        assert len((await svc.client.post("/spot-checks/regular-run", headers=platform)).json()) == 2
        assert (
            await svc.client.post("/spot-checks/regular-run", headers=svc.as_("a", "admin"))
        ).status_code == 403
