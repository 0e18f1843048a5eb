"""Departure audits (R-I6) on a real broker, on both databases."""

import json

from tests.support import envelope_bytes, eventually, produce


def _requested(manager_id: str) -> bytes:
    return envelope_bytes(
        "manager.departure-requested",
        manager_id,
        {"manager_id": manager_id, "requested_at": "2026-03-01T08:00:00+00:00", "reason": "moving"},
    )


def _portfolio(manager_id: str, request: bytes, customers: list[tuple[str, str]]) -> bytes:
    return envelope_bytes(
        "manager.portfolio-published",
        manager_id,
        {
            "manager_id": manager_id,
            "departure_event_id": json.loads(request)["event_id"],
            "as_of": "2026-03-01T08:00:00+00:00",
            "customers": [
                {"customer_id": cid, "name": name, "kind": "farm_household", "role": "primary"}
                for cid, name in customers
            ],
        },
    )


async def _audit_of(audit, manager_id: str, want=lambda a: True):
    auditor = audit.as_("aud-1", "auditor")

    async def found():
        audits = (
            await audit.client.get("/departure-audits", headers=auditor, params={"manager_id": manager_id})
        ).json()
        return audits[0] if audits and want(audits[0]) else None

    return await eventually(found, what=f"departure audit of {manager_id}")


async def test_R_I6_the_departure_clears_only_when_every_customer_is_clear(audit):
    request = _requested("m-1")
    topic = f"{audit.prefix}staffing.managers"
    await produce(audit.bootstrap, topic, request, key=b"m-1")
    waiting = await _audit_of(audit, "m-1")
    assert waiting["status"] == "awaiting_portfolio"
    await produce(
        audit.bootstrap,
        f"{audit.prefix}customer.customers",
        _portfolio("m-1", request, [("c-1", "Farm A"), ("c-2", "Farm B")]),
        key=b"m-1",
    )
    opened = await _audit_of(audit, "m-1", lambda a: a["portfolio_received"])
    assert (opened["items_done"], opened["items_total"]) == (0, 2)

    auditor = audit.as_("aud-1", "auditor")
    url = f"/departure-audits/{opened['id']}/items"
    first, second = opened["items"]
    assert (
        await audit.client.post(
            f"{url}/{first['id']}/clear", headers=audit.as_("m-2", "cm"), json={"note": "x"}
        )
    ).status_code == 403
    assert (
        await audit.client.post(f"{url}/{first['id']}/clear", headers=auditor, json={"note": ""})
    ).status_code == 422
    half = (
        await audit.client.post(f"{url}/{first['id']}/clear", headers=auditor, json={"note": "ok"})
    ).json()
    assert half["status"] == "in_progress"
    assert await audit.events("audit.cases", "audit.departure-cleared") == []
    done = (
        await audit.client.post(f"{url}/{second['id']}/clear", headers=auditor, json={"note": "ok"})
    ).json()
    assert done["status"] == "cleared"
    assert (
        await audit.client.post(f"{url}/{second['id']}/clear", headers=auditor, json={"note": "again"})
    ).status_code == 409
    (cleared,) = await audit.wait_events("audit.cases", "audit.departure-cleared")
    assert cleared["payload"]["items_reviewed"] == 2
    assert cleared["key"] == "m-1"


async def test_R_I6_portfolio_arriving_first_still_opens_one_audit_and_empty_clears(audit):
    request = _requested("m-3")
    await produce(
        audit.bootstrap, f"{audit.prefix}customer.customers", _portfolio("m-3", request, []), key=b"m-3"
    )
    await produce(audit.bootstrap, f"{audit.prefix}staffing.managers", request, key=b"m-3")
    cleared = await _audit_of(audit, "m-3", lambda a: a["status"] == "cleared")
    assert cleared["items_total"] == 0
    await audit.wait_events("audit.cases", "audit.departure-cleared")
    audits = (await audit.client.get("/departure-audits", headers=audit.as_("hr", "hr"))).json()
    assert len(audits) == 1


async def test_R_I6_a_withdrawn_departure_cancels_its_audit(audit):
    request = _requested("m-4")
    await produce(audit.bootstrap, f"{audit.prefix}staffing.managers", request, key=b"m-4")
    await produce(
        audit.bootstrap,
        f"{audit.prefix}customer.customers",
        _portfolio("m-4", request, [("c-9", "Mill")]),
        key=b"m-4",
    )
    opened = await _audit_of(audit, "m-4", lambda a: a["portfolio_received"])
    withdrawn = envelope_bytes("manager.departure-withdrawn", "m-4", {"manager_id": "m-4", "reason": "stays"})
    await produce(audit.bootstrap, f"{audit.prefix}staffing.managers", withdrawn, key=b"m-4")
    cancelled = await _audit_of(audit, "m-4", lambda a: a["status"] == "cancelled")
    item = cancelled["items"][0]
    refused = await audit.client.post(
        f"/departure-audits/{opened['id']}/items/{item['id']}/clear",
        headers=audit.as_("aud-1", "auditor"),
        json={"note": "late"},
    )
    assert refused.status_code == 409
    assert "withdrawn" in refused.json()["detail"]
    other_org = await audit.client.get(
        f"/departure-audits/{opened['id']}", headers=audit.as_("aud-9", "auditor", org="rcc-other")
    )
    assert other_org.status_code == 404
