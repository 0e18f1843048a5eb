"""`steward import balances|pnl`: whole files validated, then published; re-running changes nothing."""

import asyncio
import json

import pytest
from typer.testing import CliRunner

from shared.timeutil import utcnow
from steward.cli import app
from steward.csv_files import rows_of
from steward.importer import KINDS, parse_row, validate
from tests.integration.conftest import Service, serve
from tests.rules.test_customer_assignment import _managers
from tests.support import eventually, metric_value, read_all

pytestmark = pytest.mark.timeout(120)


async def _import(service: Service, kind: str, path, *extra: str):
    """Run the command as a user would (in a thread: it runs its own event loop)."""
    args = ["import", kind, str(path), "--kafka", service.bootstrap, "--topic-prefix", service.prefix]
    args += ["--org", "rcc-test", *(extra or ("--wait", "0"))]
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


PNL_HEADER = "posting_id,customer_id,period,product,amount,posted_on\n"


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b"")]
)
def test_utf8_with_or_without_bom_and_gb18030_gbk_files_read_the_same(tmp_path, encoding, bom):
    path = tmp_path / "pnl.csv"
    text = (
        PNL_HEADER
        + "p-1,c-1,2026-01,个人贷款,100.00,2026-01-31\n"
        + "p-2,c-1,2026-01,存款,-20.00,2026-01-31\n"
    )
    path.write_bytes(bom + text.encode(encoding))
    checked = validate(path, KINDS["pnl"])
    assert (checked.rows, checked.errors) == (2, [])  # a negative posting is a correction (R-A2)
    assert [parse_row(KINDS["pnl"], raw).product for _, raw in rows_of(path)] == ["个人贷款", "存款"]


def test_a_file_in_another_encoding_is_refused_in_one_line_naming_the_encoding(tmp_path):
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes((PNL_HEADER + "p-1,c-1,2026-01,loan,1.00,2026-01-31\n").encode("utf-16"))
    [message] = validate(utf16, KINDS["pnl"]).errors
    assert message.startswith("line 1: the file is UTF-16")
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(PNL_HEADER.encode() + b"p-1,c-1,2026-01,\x80\xff\x80,1.00,2026-01-31\n")
    [message] = validate(garbage, KINDS["pnl"]).errors
    assert "neither UTF-8 nor GB18030/GBK" in message
    assert "\n" not in message


def test_empty_and_header_only_files_say_so(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "the file is empty" in validate(empty, KINDS["pnl"]).errors[0]
    header_only = tmp_path / "header.csv"
    header_only.write_text(PNL_HEADER)
    assert validate(header_only, KINDS["pnl"]).errors == ["line 1: the file has a header row but no rows"]
    result = CliRunner().invoke(app, ["import", "pnl", str(header_only), "--dry-run"])
    assert result.exit_code == 1
    assert "refused: no rows; nothing was published" in result.output


def test_impossible_amounts_are_refused_per_line_and_corrections_kept(tmp_path):
    balances = tmp_path / "balances.csv"
    balances.write_text(
        "customer_id,deposit,loan,overdue,as_of\n"
        "c-1,100.00,500.00,0.00,2026-01-31T00:00:00+08:00\n"
        "c-2,-1.00,0,0,2026-01-31T00:00:00+08:00\n"
        "c-3,0,100.00,200.00,2026-01-31T00:00:00+08:00\n"
        "c-4,0,0,0,2999-01-31T00:00:00+08:00\n"
    )
    errors = validate(balances, KINDS["balances"]).errors
    # the contract itself refuses a negative balance (issue 19, finding 9), naming the field and value
    negative = "the deposit balance is negative (-1.00); balances are never negative"
    assert errors[0] == f"line 3: deposit: {negative}"
    assert errors[1].startswith("line 4: overdue 200.00 is more than the loan 100.00")
    assert errors[2].startswith("line 5: as_of: as_of 2999-01-31")  # the contract refuses it too
    pnl = tmp_path / "pnl.csv"
    pnl.write_text(
        PNL_HEADER
        + "p-1,c-1,2026-01,loan,-250.00,2026-01-31\n"
        + "p-2,c-1,2026-01,loan,0.00,2026-01-31\n"
        + "p-3,c-1,2026-02,loan,5.00,2026-01-31\n"
    )
    errors = validate(pnl, KINDS["pnl"]).errors
    assert errors == [
        "line 3: amount: a posting of 0.00 changes nothing",
        "line 4: posted_on 2026-01-31 is before its period 2026-02",
    ]


async def test_R_C5_after_publishing_the_import_reports_what_each_service_did(kafka, prefix, tmp_path):
    async with serve("customer", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}", kafka, prefix) as customer:
        sup = await _managers(customer)
        known = await customer.client.post(
            "/customers",
            headers=sup,
            json={"name": "王家农场", "kind": "farm_household", "primary_manager_id": "m-c"},
        )
        balances = tmp_path / "balances.csv"
        balances.write_text(
            "customer_id,deposit,loan,overdue,as_of\n"
            f"{known.json()['id']},100.00,0,0,2026-03-01T00:00:00+08:00\n"
            "c-unknown,5.00,0,0,2026-03-01T00:00:00+08:00\n"
        )
        result = await _import(customer, "balances", balances, "--wait", "60")
        assert result.exit_code == 3, result.output  # something was dead-lettered
        assert "customer: 1 applied, 0 held, 1 dead-lettered" in result.output
        assert "audit: not consuming now" in result.output


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
