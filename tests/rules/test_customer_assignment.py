"""Who serves whom (R-C1, R-C2, R-C3, R-Q5, R-A4) and the customer file (R-C6), on both databases.

In-process (tests.harness). `_managers` works on a harness view and on a broker-backed integration
service alike (both `send` and wait with `until`): the broker tests reuse it.
"""

import pytest

pytestmark = [pytest.mark.services("customer"), pytest.mark.usefixtures("database")]

GRADES = {"m-s": "senior", "m-s2": "senior", "m-c": "cm", "m-c2": "cm", "m-t": "trainee", "m-x": "cm"}


async def _managers(customer, **statuses):
    for manager_id, grade in GRADES.items():
        body = {
            "manager_id": manager_id,
            "employee_no": manager_id.upper(),
            "name": manager_id,
            "grade": grade,
            "branch": "north",
            "status": statuses.get(manager_id, "active"),
            "certified_until": "2099-01-01",
        }
        await customer.send("staffing.managers", "manager.registered", manager_id, body)
    sup = customer.as_("sup-1", "supervisor")

    async def known():
        for manager_id in GRADES:  # one key per CM: partitions may deliver them in any order
            if (await customer.client.get(f"/managers/{manager_id}", headers=sup)).status_code != 200:
                return False
        return True

    await customer.until(known, what="the manager projection")
    return sup


async def test_R_C3_R_C1_a_core_customer_of_major_value_needs_two_cms_and_a_senior(customer):
    sup = await _managers(customer)
    c = customer.client
    core = {"core": True, "major_value": True}
    refused = await c.post(
        "/customers",
        headers=sup,
        json={
            "name": "Valley Co-op",
            "kind": "corporate",
            "classification": core,
            "primary_manager_id": "m-c",
        },
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert "R-C3" in detail
    assert "R-C1" in detail
    assert (await c.get("/customers", headers=sup)).json() == []

    opened = await c.post(
        "/customers",
        headers=sup,
        json={
            "name": "Valley Co-op",
            "kind": "corporate",
            "classification": core,
            "primary_manager_id": "m-s",
            "co_manager_ids": ["m-c"],
            "address": "1 River Rd",
            "importance": "core",
        },
    )
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert [(m["manager_id"], m["role"], m["share"]) for m in body["managers"]] == [
        ("m-s", "primary", "50.00"),
        ("m-c", "co_manager", "50.00"),
    ]
    assert body["compliant"] is True
    changed = await customer.wait_events("customer.customers", "customer.assignment-changed")
    assert changed[0]["payload"]["shares"] == {"m-s": "50.00", "m-c": "50.00"}


async def test_a_classification_change_marks_the_customer_non_compliant_and_changes_nothing_else(customer):
    sup = await _managers(customer)
    c = customer.client
    small = (
        await c.post(
            "/customers",
            headers=sup,
            json={
                "name": "Corner Shop",
                "kind": "individual",
                "classification": {"size": "small"},
                "primary_manager_id": "m-t",
            },
        )
    ).json()
    grown = await c.put(f"/customers/{small['id']}/classification", headers=sup, json={"size": "medium"})
    assert grown.status_code == 200
    body = grown.json()
    assert body["compliant"] is False
    assert sorted(i[:4] for i in body["compliance_issues"]) == ["R-C3", "R-Q5"]
    assert [m["manager_id"] for m in body["managers"]] == ["m-t"]
    event = (await customer.wait_events("customer.customers", "customer.compliance-changed"))[0]
    assert event["payload"]["compliant"] is False
    listed = (await c.get("/customers", headers=sup, params={"compliant": "false"})).json()
    assert [x["id"] for x in listed] == [small["id"]]

    cured = await c.put(
        f"/customers/{small['id']}/assignment",
        headers=sup,
        json={"primary_manager_id": "m-s", "co_manager_ids": ["m-t"], "reason": "grew to medium"},
    )
    assert cured.status_code == 200, cured.text
    assert cured.json()["compliant"] is True
    history = (await c.get(f"/customers/{small['id']}/assignments", headers=sup)).json()
    assert [(h["manager_id"], h["valid_to"] is None) for h in history] == [
        ("m-t", False),
        ("m-s", True),
        ("m-t", True),
    ]


async def test_R_A4_shares_sum_to_100_or_pool_to_a_team(customer):
    sup = await _managers(customer)
    c = customer.client
    opened = (
        await c.post(
            "/customers",
            headers=sup,
            json={"name": "Hill Farm", "kind": "farm_household", "primary_manager_id": "m-c"},
        )
    ).json()
    url = f"/customers/{opened['id']}/assignment"
    bad = await c.put(
        url,
        headers=sup,
        json={
            "primary_manager_id": "m-c",
            "co_manager_ids": ["m-c2"],
            "attribution": {"mode": "shares", "shares": {"m-c": "70", "m-c2": "20"}},
        },
    )
    assert bad.status_code == 422
    assert "90.00%" in bad.json()["detail"] or "90%" in bad.json()["detail"]
    good = await c.put(
        url,
        headers=sup,
        json={
            "primary_manager_id": "m-c",
            "co_manager_ids": ["m-c2"],
            "attribution": {"mode": "shares", "shares": {"m-c": "70", "m-c2": "30"}},
        },
    )
    assert [m["share"] for m in good.json()["managers"]] == ["70.00", "30.00"]
    pool_without_team = await c.put(
        url, headers=sup, json={"primary_manager_id": "m-c", "attribution": {"mode": "team_pool"}}
    )
    assert pool_without_team.status_code == 422
    unknown = await c.put(url, headers=sup, json={"primary_manager_id": "m-zz"})
    assert unknown.status_code == 422
    by_cm = await c.put(url, headers=customer.as_("m-c", "cm"), json={"primary_manager_id": "m-c"})
    assert by_cm.status_code == 403


async def test_bulk_reassignment_moves_every_customer_or_none(customer):
    sup = await _managers(customer, **{"m-x": "departure_pending"})
    c = customer.client
    ids = []
    for name in ("A", "B"):
        ids.append(
            (
                await c.post(
                    "/customers",
                    headers=sup,
                    json={"name": name, "kind": "individual", "primary_manager_id": "m-c"},
                )
            ).json()["id"]
        )
    shared_one = (
        await c.post(
            "/customers",
            headers=sup,
            json={"name": "C", "kind": "individual", "primary_manager_id": "m-s", "co_manager_ids": ["m-c"]},
        )
    ).json()
    refused = await c.post(
        "/reassignments",
        headers=sup,
        json={"from_manager_id": "m-c", "to_manager_id": "m-x", "reason": "cover"},
    )
    assert refused.status_code == 422
    assert "R-I6" in refused.json()["detail"]
    assert len((await c.get("/customers", headers=sup, params={"manager_id": "m-c"})).json()) == 3

    moved = await c.post(
        "/reassignments",
        headers=sup,
        json={"from_manager_id": "m-c", "to_manager_id": "m-c2", "reason": "m-c moves branch"},
    )
    assert moved.status_code == 200, moved.text
    assert sorted(moved.json()["moved"]) == sorted([*ids, shared_one["id"]])
    assert (await c.get("/customers", headers=sup, params={"manager_id": "m-c"})).json() == []
    after = (await c.get(f"/customers/{shared_one['id']}", headers=sup)).json()
    assert [(m["manager_id"], m["role"]) for m in after["managers"]] == [
        ("m-s", "primary"),
        ("m-c2", "co_manager"),
    ]
    history = (await c.get(f"/customers/{ids[0]}/assignments", headers=sup)).json()
    assert history[-1]["reason"] == "reassigned from m-c to m-c2"


async def test_R_C6_file_sections_are_versioned_and_a_cm_sees_only_what_they_serve(customer):
    sup = await _managers(customer)
    c = customer.client
    mine = (
        await c.post(
            "/customers", headers=sup, json={"name": "Mill", "kind": "corporate", "primary_manager_id": "m-c"}
        )
    ).json()
    as_cm = customer.as_("m-c", "cm")
    url = f"/customers/{mine['id']}/sections/finance"
    assert (await c.post(url, headers=as_cm, json={"content": "revenue 12m"})).status_code == 201
    second = (await c.post(url, headers=as_cm, json={"content": "revenue 14m (audited)"})).json()
    assert second["version"] == 2
    history = (await c.get(url, headers=as_cm)).json()
    assert [(h["version"], h["author"]) for h in history] == [(2, "m-c"), (1, "m-c")]
    assert (
        await c.post(f"/customers/{mine['id']}/sections/gossip", headers=as_cm, json={"content": "x"})
    ).status_code == 422
    stranger = customer.as_("m-c2", "cm")
    for method, path, body in (
        ("get", f"/customers/{mine['id']}", None),
        ("get", url, None),
        ("post", url, {"content": "x"}),
        ("patch", f"/customers/{mine['id']}", {"address": "x"}),
        ("get", f"/customers/{mine['id']}/assignments", None),
        ("put", f"/customers/{mine['id']}/classification", {"size": "small"}),
    ):
        response = await c.request(method, path, headers=stranger, json=body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert "Mill" not in response.text


async def test_R_C2_team_members_see_the_teams_customers(customer):
    sup = await _managers(customer)
    c = customer.client
    team = (
        "team.changed",
        "t-1",
        {
            "team_id": "t-1",
            "name": "Core team",
            "lead_id": "m-s",
            "member_ids": ["m-s", "m-c"],
            "change": "formed",
        },
    )
    await customer.send("staffing.managers", *team)

    async def opened():
        r = await c.post(
            "/customers",
            headers=sup,
            json={
                "name": "Core Co",
                "kind": "corporate",
                "classification": {"core": True},
                "primary_manager_id": "m-s",
                "co_manager_ids": ["m-s2"],
                "team_id": "t-1",
                "attribution": {"mode": "team_pool"},
            },
        )
        return r.json() if r.status_code == 201 else None

    core = await customer.until(opened, what="the team to reach the projection")
    assert core["attribution_mode"] == "team_pool"
    assert (await c.get(f"/customers/{core['id']}", headers=customer.as_("m-c", "cm"))).status_code == 200
    assert (await c.get(f"/customers/{core['id']}", headers=customer.as_("m-c2", "cm"))).status_code == 404
