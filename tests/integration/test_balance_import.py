"""Opening balances as a book file (`steward import opening-balances`), on SQLite and PostgreSQL.

R-C5: balances by core-banking number, the newest as-of wins; a dry run writes nothing and names each
problem by file, row and column; a commit writes the whole file or nothing; the same file twice changes
nothing; negative amounts and as-of dates in the future are refused.
"""

from datetime import UTC, datetime, timedelta

import pytest

from steward.book_kinds import BOOK, read_rows, template
from tests.inprocess import Offline, build_app, migrations, offline_settings
from tests.integration.test_book_import import CUSTOMERS, OFFICES, STAFF, _file, _post, _relay
from tests.support import running


async def _balances(svc: Offline) -> dict[str, tuple[str | None, str | None]]:
    listed = (await svc.client.get("/customers", headers=svc.as_("admin-1", "admin"))).json()
    return {c["external_id"]: (c["deposit_balance"], c["loan_balance"]) for c in listed}


async def test_R_C5_opening_balances_import_is_checked_whole_idempotent_and_newest_wins(
    database_url, other_database_url, tmp_path
):
    st_settings = offline_settings("staffing", database_url)
    cu_settings = offline_settings("customer", other_database_url)
    st_app, cu_app = build_app("staffing", st_settings), build_app("customer", cu_settings)
    async with (
        running(st_app, migrations("staffing")) as st_client,
        running(cu_app, migrations("customer")) as cu_client,
    ):
        staffing = Offline("staffing", st_app, st_client, st_settings)
        customer = Offline("customer", cu_app, cu_client, cu_settings)
        await _post(staffing, "offices", _file(tmp_path, "offices", OFFICES), dry_run=False)
        await _post(staffing, "staff", _file(tmp_path, "staff", STAFF), dry_run=False)
        await _relay(database_url, customer, 0)
        no_balances = [{k: v for k, v in c.items() if k not in ("deposit", "loan")} for c in CUSTOMERS]
        await _post(customer, "customers", _file(tmp_path, "customers", no_balances), dry_run=False)

        kind = "opening-balances"
        ahead = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
        bad = _file(
            tmp_path,
            kind,
            [
                {"external_id": "62001", "deposit": "-5", "as_of": "2026-11-30"},
                {"external_id": "99999", "deposit": "1", "as_of": "2026-11-30"},
                {"external_id": "62002", "loan": "10", "as_of": ahead},
                {"external_id": "62003", "deposit": "7"},
                {"external_id": "62003", "deposit": "7", "as_of": "2026-11-30"},
            ],
            name="bad",
        )
        refused = await _post(customer, kind, bad, dry_run=False)
        assert (refused["refused"], refused["created"], refused["dry_run"]) == (5, 0, True)
        assert {(p["file"], p["line"], p["column"]) for p in refused["problems"]} == {
            ("bad.csv", 2, "deposit"),
            ("bad.csv", 3, "external_id"),
            ("bad.csv", 4, "as_of"),
            ("bad.csv", 5, "as_of"),
            ("bad.csv", 6, "external_id"),
        }
        assert any("没有核心系统客户号为 99999 的客户" in p["message"] for p in refused["problems"])
        english = await _post(customer, kind, bad, dry_run=True, lang="en")
        assert any("is in the future" in p["message"] for p in english["problems"])
        assert {b[0] for b in (await _balances(customer)).values()} == {None}  # nothing written

        good = _file(
            tmp_path,
            kind,
            [
                {"external_id": "62001", "deposit": "1,000.50", "as_of": "2026-11-30"},
                {"external_id": "62002", "loan": "500000", "overdue": "20", "as_of": "2026-11-30"},
            ],
        )
        dry = await _post(customer, kind, good, dry_run=True)
        assert (dry["created"], dry["refused"], dry["dry_run"]) == (2, 0, True)
        assert {b[0] for b in (await _balances(customer)).values()} == {None}
        done = await _post(customer, kind, good, dry_run=False)
        assert (done["created"], done["updated"], done["refused"]) == (2, 0, 0)
        assert set(done["ids"]) == {"62001", "62002"}
        now = await _balances(customer)
        assert now["62001"] == ("1000.50", "0.00")
        assert now["62002"] == ("0.00", "500000.00")
        again = await _post(customer, kind, good, dry_run=False)
        assert (again["created"], again["updated"], again["unchanged"], again["flagged"]) == (0, 0, 2, 0)

        # a later as-of replaces; the same as-of with other amounts changes nothing and says why
        corrected = _file(
            tmp_path,
            kind,
            [
                {"external_id": "62001", "deposit": "2000", "as_of": "2026-12-01"},
                {"external_id": "62002", "loan": "1", "as_of": "2026-11-30"},
            ],
            name="corrected",
        )
        fixed = await _post(customer, kind, corrected, dry_run=False)
        assert (fixed["updated"], fixed["unchanged"], fixed["flagged"]) == (1, 1, 1)
        assert [(p["line"], p["column"], p["refused"]) for p in fixed["problems"]] == [(3, "as_of", False)]
        now = await _balances(customer)
        assert now["62001"][0] == "2000.00"
        assert now["62002"] == ("0.00", "500000.00")

        # the customers file again (no balances in it, or older ones) leaves the newer balances alone
        again = await _post(customer, "customers", _file(tmp_path, "customers", no_balances), dry_run=False)
        assert again["unchanged"] == 3
        older = [{**c, "deposit": "1", "start_date": "2024-01-01"} for c in no_balances]
        await _post(customer, "customers", _file(tmp_path, "customers", older, name="older"), dry_run=False)
        after = await _balances(customer)
        assert (after["62001"], after["62002"]) == (now["62001"], now["62002"])
        assert after["62003"][0] == "1.00"  # it had none: the customers file's opening deposit is taken


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_opening_balances_template_reads_back(lang, tmp_path):
    kind = BOOK["opening-balances"]
    path = tmp_path / "balances.xlsx"
    path.write_bytes(template(kind, lang))
    rows, ignored = read_rows(path, kind)
    assert ignored == []
    assert set(rows[0]["values"]) == {"external_id", "deposit", "loan", "overdue", "as_of"}
    assert kind.columns[0].header(lang) == ("Core-banking number" if lang == "en" else "核心系统客户号")
