"""The office tree in staffing: open, move from a date, read as of a date, staff in offices, events."""

import json
import sqlite3
from datetime import timedelta

from shared.timeutil import utcnow
from tests.inprocess import serve_offline

TODAY = utcnow().date()
LATER = TODAY + timedelta(days=30)


def _events(db: str, event_type: str) -> list[dict[str, object]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT topic, value FROM outbox WHERE event_type = ? ORDER BY id", (event_type,))
        found = []
        for topic, value in rows:
            assert topic.endswith("staffing.offices"), topic
            found.append(json.loads(value)["payload"])
        return found


async def test_a_tree_with_an_outlet_moving_to_another_branch_from_a_date(tmp_path):
    db = tmp_path / "staffing.db"
    async with serve_offline("staffing", db) as svc:
        c, hr = svc.client, svc.as_("hr-1", "hr")

        async def open_(code: str, parent: str | None, **extra: object) -> str:
            body = {"code": code, "name": f"机构{code}", "parent_id": parent, **extra}
            r = await c.post("/offices", headers=hr, json=body)
            assert r.status_code == 201, r.text
            return str(r.json()["id"])

        root = await open_("HQ", None, effective_from=str(TODAY - timedelta(days=365)))
        north = await open_("N", root, effective_from=str(TODAY - timedelta(days=300)))
        south = await open_("S", root, effective_from=str(TODAY - timedelta(days=300)))
        outlet = await open_("N1", north)
        second_root = await c.post("/offices", headers=hr, json={"code": "HQ2", "name": "x"})
        assert second_root.status_code == 409, second_root.text
        dup = await c.post("/offices", headers=hr, json={"code": "N", "name": "x", "parent_id": root})
        assert dup.status_code == 409
        unknown = await c.post("/offices", headers=hr, json={"code": "Z", "name": "x", "parent_id": "o-nope"})
        assert unknown.status_code == 404

        moved = await c.post(
            f"/offices/{outlet}/moves", headers=hr, json={"parent_id": south, "effective_from": str(LATER)}
        )
        assert moved.status_code == 200, moved.text
        assert (moved.json()["parent_id"], moved.json()["depth"]) == (south, 2)

        reader = svc.as_("sup-1", "supervisor")
        today = (await c.get("/offices", headers=reader)).json()
        assert [(o["code"], o["parent_id"], o["depth"]) for o in today] == [
            ("HQ", None, 0),
            ("N", root, 1),
            ("N1", north, 2),
            ("S", root, 1),
        ]
        later = (await c.get(f"/offices?as_of={LATER}", headers=reader)).json()
        assert [o["code"] for o in later] == ["HQ", "N", "S", "N1"]
        before = (await c.get(f"/offices?as_of={TODAY - timedelta(days=1)}", headers=reader)).json()
        assert "N1" not in [o["code"] for o in before]

        # no cycles: a branch cannot go under its own outlet; the root stays where it is
        cycle = await c.post(
            f"/offices/{north}/moves", headers=hr, json={"parent_id": outlet, "effective_from": str(TODAY)}
        )
        assert cycle.status_code == 422, cycle.text
        root_move = await c.post(
            f"/offices/{root}/moves", headers=hr, json={"parent_id": north, "effective_from": str(LATER)}
        )
        assert root_move.status_code == 422
        cm = svc.as_("m-1", "cm")
        assert (await c.post("/offices", headers=cm, json={"code": "X", "name": "x"})).status_code == 403

        for user, office in (("sup-n", north), ("m-1", outlet), ("m-2", south)):
            r = await c.put(f"/office-staff/{user}", headers=hr, json={"office_id": office})
            assert r.status_code == 200, r.text
        again = await c.put("/office-staff/sup-n", headers=hr, json={"office_id": north})
        assert again.status_code == 200
        staff = (await c.get(f"/offices/{north}/staff?below=true", headers=reader)).json()
        assert [s["user_id"] for s in staff] == ["m-1", "sup-n"]
        direct = (await c.get(f"/offices/{north}/staff", headers=reader)).json()
        assert [s["user_id"] for s in direct] == ["sup-n"]
        bad = await c.put("/office-staff/x", headers=hr, json={"office_id": "o-nope"})
        assert bad.status_code == 404

    changed = _events(str(db), "office.changed")
    assert [(e["code"], e["parent_id"]) for e in changed] == [
        ("HQ", None),
        ("N", root),
        ("S", root),
        ("N1", north),
        ("N1", south),
    ]
    assigned = _events(str(db), "office.staff-assigned")
    assert [e["user_id"] for e in assigned] == ["sup-n", "m-1", "m-2"]  # the same again publishes nothing


async def test_a_branch_supervisor_sees_the_roll_of_their_branch_only(tmp_path):
    async with serve_offline("staffing", tmp_path / "staffing.db") as svc:
        c, hr = svc.client, svc.as_("hr-1", "hr")
        ids = {}
        for code, parent in (("HQ", None), ("N", "HQ"), ("N1", "N"), ("S", "HQ")):
            body = {"code": code, "name": code, "parent_id": ids.get(parent)}
            ids[code] = (await c.post("/offices", headers=hr, json=body)).json()["id"]
        managers = {}
        for no, office in (("E1", "N"), ("E2", "N1"), ("E3", "S")):
            body = {"employee_no": no, "name": no, "grade": "cm", "branch": office}
            managers[no] = (await c.post("/managers", headers=hr, json=body)).json()["id"]
            placed = await c.put(f"/office-staff/{managers[no]}", headers=hr, json={"office_id": ids[office]})
            assert placed.status_code == 200
        for user, office in (("sup-n", "N"), ("sup-hq", "HQ")):
            await c.put(f"/office-staff/{user}", headers=hr, json={"office_id": ids[office]})
        sup_n = svc.as_("sup-n", "supervisor")
        roll = (await c.get("/managers", headers=sup_n)).json()
        assert {m["employee_no"] for m in roll} == {"E1", "E2"}
        hq = (await c.get("/managers", headers=svc.as_("sup-hq", "supervisor"))).json()
        assert {m["employee_no"] for m in hq} == {"E1", "E2", "E3"}
        unknown = (await c.get("/managers", headers=svc.as_("sup-x", "supervisor"))).json()
        assert len(unknown) == 3  # no office known: the whole cooperative, as before
        outside = await c.get(f"/managers/{managers['E3']}", headers=sup_n)
        nobody = await c.get("/managers/m-nobody", headers=sup_n)
        assert outside.status_code == nobody.status_code == 404
        assert outside.text.replace(managers["E3"], "m-nobody") == nobody.text
        assert (await c.get(f"/managers/{managers['E2']}", headers=sup_n)).status_code == 200
