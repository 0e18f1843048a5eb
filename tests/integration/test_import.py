"""`steward import balances|pnl`: whole files validated, then published; re-running changes nothing."""

import asyncio
import json

import pytest
from typer.testing import CliRunner

from shared.timeutil import utcnow
from steward.cli import app
from steward.importer import KINDS, validate
from tests.integration.conftest import Service, serve
from tests.integration.test_customer_assignment import _managers
from tests.support import eventually, metric_value, read_all

pytestmark = pytest.mark.timeout(120)


async def _import(service: Service, kind: str, path, *extra: str):
    """Run the command as a user would (in a thread: it runs its own event loop)."""
    args = ["import", kind, str(path), "--kafka", service.bootstrap, "--topic-prefix", service.prefix]
    args += ["--org", "rcc-test", *extra]
    return await asyncio.to_thread(CliRunner().invoke, app, args)


def test_every_bad_row_is_named_by_line_and_reason(tmp_path):
    path = tmp_path / "pnl.csv"
    path.write_text(
        "posting_id,customer_id,period,product,amount,posted_on,branch\n"
        "p-1,c-1,2026-01,loan,100.00,2026-01-31,N1\n"
        "p-2,c-1,2026-13,loan,100.00,2026-01-31,N1\n"
        "p-3,c-1,2026-01,loan,1.234,2026-01-31,N1\n"
        "p-1,c-2,2026-01,loan,5,2026-01-31,N1\n"
        "p-4,,2026-01,loan,5,2026-01-31,N1\n"
        "p-5,c-3,2026-01,loan,5,2026-01-31,N1,extra\n"
        '"p-6","c-4","2026-01","multi\nline",5,2026-02-30,N1\n'
        'p-7,c-5,2026-01,loan,"1,000.00",2026-01-31,N1\n'
    )
    checked = validate(path, KINDS["pnl"])
    assert checked.rows == 8
    assert checked.ignored_columns == ["branch"]
    assert [e.split(":")[0] for e in checked.errors] == [f"line {n}" for n in (3, 4, 5, 6, 7, 8, 10)]
    assert "period" in checked.errors[0]
    assert "two decimal places" in checked.errors[1]
    assert "posting_id p-1 is already on line 2" in checked.errors[2]
    assert "no value for customer_id" in checked.errors[3]
    assert "more value(s) than the header" in checked.errors[4]
    assert "posted_on" in checked.errors[5]
    assert "not a decimal amount" in checked.errors[6]

    balances = tmp_path / "balances.csv"
    balances.write_text("customer_id,deposit,loan\nc-1,1,2\n")
    [missing] = validate(balances, KINDS["balances"]).errors
    assert missing.startswith("line 1: missing column(s) overdue, as_of")
    balances.write_text("customer_id,deposit,loan,overdue,as_of\nc-1,1,2,0,2026-01-31T00:00:00\n")
    [naive] = validate(balances, KINDS["balances"]).errors
    assert "as_of" in naive
    assert "timezone" in naive


async def test_R_C5_R_C7_imports_publish_once_in_effect_and_refuse_bad_files_whole(kafka, prefix, tmp_path):
    async with serve("customer", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", kafka, prefix) as customer:
        sup = await _managers(customer)
        ids = []
        for name in ("Big Mill", "Small Shop"):
            created = await customer.client.post(
                "/customers",
                headers=sup,
                json={"name": name, "kind": "corporate", "primary_manager_id": "m-c"},
            )
            ids.append(created.json()["id"])
        big, small = ids

        bad = tmp_path / "bad.csv"
        bad.write_text(
            "customer_id,deposit,loan,overdue,as_of\n"
            f"{big},100.00,0,0,2026-03-01T00:00:00Z\n"
            f"{small},12.5.0,0,0,2026-03-01T00:00:00Z\n"
        )
        refused = await _import(customer, "balances", bad)
        assert refused.exit_code == 1, refused.output
        assert "line 3: deposit" in refused.output
        assert "nothing was published" in refused.output
        assert await read_all(customer.bootstrap, f"{prefix}corebanking.balances") == []

        balances = tmp_path / "balances.csv"
        balances.write_text(
            "customer_id,deposit,loan,overdue,as_of\n"
            f"{big},250000.00,1000000.00,0.00,2026-03-01T00:00:00+08:00\n"
            f"{small},900.50,0,0,2026-03-01T00:00:00Z\n"
        )
        done = await _import(customer, "balances", balances)
        assert done.exit_code == 0, done.output
        assert "published 2 balance.reported events" in done.output

        async def balanced():
            found = (await customer.client.get(f"/customers/{small}", headers=sup)).json()
            return found if found["deposit_balance"] == "900.50" else None

        await eventually(balanced, what="imported balances")
        assert (await customer.client.get(f"/customers/{big}", headers=sup)).json()[
            "loan_balance"
        ] == "1000000.00"

        today = utcnow().date()
        period = f"{today.year:04d}-{today.month:02d}"
        pnl = tmp_path / "pnl.csv"
        rows = [f"p-{n},{big if n % 4 else small},{period},loan,10.00,{today}" for n in range(1, 501)]
        pnl.write_text("posting_id,customer_id,period,product,amount,posted_on\n" + "\n".join(rows) + "\n")
        first = await _import(customer, "pnl", pnl)
        assert first.exit_code == 0, first.output
        again = await _import(customer, "pnl", pnl)
        assert again.exit_code == 0, again.output

        records = await read_all(customer.bootstrap, f"{prefix}corebanking.pnl", timeout=10)
        event_ids = [json.loads(r.value)["event_id"] for r in records]
        assert (len(event_ids), len(set(event_ids))) == (1000, 500)  # the same ids on the second run

        async def outcomes():
            text = (await customer.client.get("/metrics")).text
            found = {
                outcome: metric_value(
                    text, "steward_events_consumed_total", topic=f"{prefix}corebanking.pnl", outcome=outcome
                )
                for outcome in ("applied", "duplicate")
            }
            return found if sum(found.values()) >= 1000 else None

        assert await eventually(outcomes, timeout=60, what="both imports consumed") == {
            "applied": 500,
            "duplicate": 500,
        }
        profit = {
            r["name"]: r["profit_last_12m"]
            for r in (await customer.client.get("/value-review", headers=sup)).json()
        }
        assert profit == {"Big Mill": "3750.00", "Small Shop": "1250.00"}
