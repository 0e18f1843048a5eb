"""R-I6: the departure saga across the four services, in-process (the broker smoke is tests/e2e)."""

from tests.harness import System


async def test_R_I6_the_departure_saga_crosses_the_four_services(system: System):
    hr, auditor = system.as_("hr-1", "hr"), system.as_("aud-1", "auditor")
    supervisor = system.as_("sup-1", "supervisor")
    staffing, customer, audit = system["staffing"].client, system["customer"].client, system["audit"].client
    manager = await staffing.post(
        "/managers",
        headers=hr,
        json={"employee_no": "E42", "name": "Liu Yang", "grade": "cm", "branch": "north"},
    )
    mid = manager.json()["id"]
    await system.settle()
    assert (await customer.get(f"/managers/{mid}", headers=supervisor)).status_code == 200
    customers = []
    for name, kind in (("Hillside Feed Mill", "corporate"), ("Chen family farm", "farm_household")):
        created = await customer.post(
            "/customers", headers=supervisor, json={"name": name, "kind": kind, "primary_manager_id": mid}
        )
        assert created.status_code == 201, created.text
        customers.append(created.json())

    asked = await staffing.post(f"/managers/{mid}/departure", headers=hr, json={"reason": "moving"})
    assert asked.json()["status"] == "departure_pending"
    await system.settle()
    (found,) = (await audit.get(f"/departure-audits?manager_id={mid}", headers=auditor)).json()
    assert found["portfolio_received"]
    assert sorted(i["customer_id"] for i in found["items"]) == sorted(c["id"] for c in customers)
    assert found["items_total"] == 2

    frozen = await customer.post(
        "/customers",
        headers=supervisor,
        json={"name": "Late customer", "kind": "individual", "primary_manager_id": mid},
    )
    assert frozen.status_code == 422
    assert "R-I6" in frozen.json()["detail"]

    first, second = found["items"]
    path = f"/departure-audits/{found['id']}/items"
    await audit.post(f"{path}/{first['id']}/clear", headers=auditor, json={"note": "loan files in order"})
    await system.settle()
    still = (await staffing.get(f"/managers/{mid}", headers=hr)).json()
    assert still["status"] == "departure_pending"  # not before every customer was audited

    last = await audit.post(
        f"{path}/{second['id']}/clear", headers=auditor, json={"note": "deposits reconciled"}
    )
    assert last.json()["status"] == "cleared"
    await system.settle()
    final = (await staffing.get(f"/managers/{mid}", headers=hr)).json()
    assert final["status"] == "departed"
    assert final["departure_audit_id"] == found["id"]
    (seen,) = (await system["appraisal"].client.get("/managers", headers=supervisor)).json()
    assert seen["standing"] == "left"
    assert seen["events_seen"] == 3
