"""The pipeline by stage for management (issue 17): read-only, per cooperative, office scope respected.

On SQLite and PostgreSQL, with the office tree fed by hand as in test_office_scope.
"""

from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.integration.test_office_scope import _world
from tests.rules.test_customer_pipeline import TARGET
from tests.support import running

STAGES = ["target", "contacted", "visited", "proposal", "won", "lost"]


def _by_stage(rows: list[dict]) -> dict[str, tuple[int, int, str]]:
    return {r["stage"]: (r["count"], r["ideal"], r["mean_segment_score"]) for r in rows}


async def test_management_reads_the_pipeline_by_stage_inside_its_scope(database_url):
    settings = offline_settings("customer", database_url)
    app = build_app("customer", settings)
    async with running(app, migrations("customer")) as client:
        svc = Offline("customer", app, client, settings)
        await _world(svc)
        for manager_id in ("m-n", "m-n1a", "m-s"):
            cm = svc.as_(manager_id, "cm")
            created = await client.post("/targets", headers=cm, json=TARGET)
            assert created.status_code == 201, created.text
        moved = await client.post(
            f"/targets/{created.json()['id']}/stage",
            headers=svc.as_("m-s", "cm"),
            json={"stage": "contacted"},
        )
        assert moved.status_code == 200, moved.text
        not_ideal = TARGET | {"unmet_needs": False}
        assert (
            await client.post("/targets", headers=svc.as_("m-n", "cm"), json=not_ideal)
        ).status_code == 201

        # management cannot list targets, but reads the summary of the whole cooperative
        mgmt = svc.as_("mgmt-1", "management")
        assert (await client.get("/targets", headers=mgmt)).status_code == 403
        whole = await client.get("/targets/summary", headers=mgmt)
        assert whole.status_code == 200, whole.text
        assert [r["stage"] for r in whole.json()] == STAGES
        assert _by_stage(whole.json())["target"] == (3, 2, "7.00")
        assert _by_stage(whole.json())["contacted"] == (1, 1, "7.00")
        assert _by_stage(whole.json())["won"] == (0, 0, "0.00")

        # a branch supervisor counts only the targets of CMs in their branch and its outlets
        north = await client.get("/targets/summary", headers=svc.as_("sup-n", "supervisor"))
        assert _by_stage(north.json())["target"] == (3, 2, "7.00")
        assert _by_stage(north.json())["contacted"][0] == 0
        south = await client.get("/targets/summary", headers=svc.as_("sup-s", "supervisor"))
        assert _by_stage(south.json())["target"][0] == 0
        assert _by_stage(south.json())["contacted"][0] == 1

        # another cooperative sees none of it; a CM may not read the summary
        other = await client.get("/targets/summary", headers=svc.as_("mgmt-2", "management", org="org-other"))
        assert sum(r["count"] for r in other.json()) == 0
        assert (await client.get("/targets/summary", headers=svc.as_("m-n", "cm"))).status_code == 403
