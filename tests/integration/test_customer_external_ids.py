"""Core banking's customer number and the hashed ID document (issue 14), on both databases."""

from sqlalchemy import select, text

from services.customer.models import CustomerRow
from services.customer.queries.search import matching
from shared.consumer import Outcome
from shared.runtime import Runtime
from tests.integration.offline_support import offline, with_managers

FILE = {"kind": "farm_household", "primary_manager_id": "m-c"}
DOC = "11010519491231002X"


async def _stored(service, sql: str) -> list[tuple]:
    runtime: Runtime = service.app.state.runtime
    async with runtime.uow() as uow:
        return [tuple(r) for r in (await uow.session.execute(text(sql))).all()]


async def test_external_id_is_unique_per_cooperative_settable_and_shown(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        c = svc.client
        made = await c.post(
            "/customers", headers=sup, json={**FILE, "name": "王家农场", "external_id": "CB001"}
        )
        assert made.status_code == 201, made.text
        assert made.json()["external_id"] == "CB001"
        again = await c.post("/customers", headers=sup, json={**FILE, "name": "李家", "external_id": "CB001"})
        assert again.status_code == 409, again.text
        other_org = svc.as_("sup-9", "supervisor", org="rcc-other")
        await with_managers(svc, org="rcc-other", suffix="-o")
        elsewhere = await c.post(
            "/customers",
            headers=other_org,
            json={**FILE, "primary_manager_id": "m-c-o", "name": "李家", "external_id": "CB001"},
        )
        assert elsewhere.status_code == 201, "the number is unique per cooperative, not across them"
        second = (await c.post("/customers", headers=sup, json={**FILE, "name": "张家"})).json()
        assert second["external_id"] is None
        taken = await c.patch(f"/customers/{second['id']}", headers=sup, json={"external_id": "CB001"})
        assert taken.status_code == 409
        patched = await c.patch(f"/customers/{second['id']}", headers=sup, json={"external_id": "CB002"})
        assert patched.json()["external_id"] == "CB002"
        found = (await c.get("/customers?external_id=CB002", headers=sup)).json()
        assert [f["id"] for f in found] == [second["id"]]
        csv = (await c.get("/customers/export?format=csv", headers=sup)).content.decode("utf-8-sig")
        assert "Core-banking number" in csv.splitlines()[0]
        assert "CB002" in csv
        events = await _stored(svc, "SELECT event_type, value FROM outbox ORDER BY id")
        identified = [v for t, v in events if t == "customer.identified"]
        assert len(identified) == 1
        assert b'"external_id":"CB002"' in bytes(identified[0])
        registered = [bytes(v) for t, v in events if t == "customer.registered"]
        assert b'"external_id":"CB001"' in registered[0]
        bad = await c.post("/customers", headers=sup, json={**FILE, "name": "x", "external_id": "has space"})
        assert bad.status_code == 422


async def test_id_document_is_stored_only_as_a_keyed_hash_and_found_by_exact_match(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        c = svc.client
        made = await c.post("/customers", headers=sup, json={**FILE, "name": "赵家", "id_document": DOC})
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["has_id_document"] is True
        assert DOC not in made.text
        assert "id_document" not in body
        stored = await _stored(svc, "SELECT id_document_hash FROM customers")
        assert stored[0][0]
        assert DOC not in stored[0][0]
        assert len(stored[0][0]) == 64
        dump = await _stored(svc, "SELECT * FROM customers")
        assert DOC not in repr(dump)
        assert DOC.lower() not in repr(dump)
        written = " ".join([DOC[:6], DOC[6:14], DOC[14:].lower()])  # spaces and a lower-case x still match
        found = (await c.get("/customers", headers=sup, params={"id_document": written})).json()
        assert [f["id"] for f in found] == [body["id"]]
        assert (await c.get("/customers", headers=sup, params={"id_document": DOC[:-1] + "9"})).json() == []
        cm = svc.as_("m-t", "cm")  # a CM who does not serve the customer cannot find it by its document
        assert (await c.get("/customers", headers=cm, params={"id_document": DOC})).json() == []
        cleared = await c.patch(f"/customers/{body['id']}", headers=sup, json={"id_document": None})
        assert cleared.json()["has_id_document"] is False


async def test_a_different_key_gives_a_different_hash(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"
    hashes = []
    for key in ("key-one-" * 5, "key-two-" * 5):
        async with offline("customer", url, id_document_key=key) as svc:
            sup = await with_managers(svc)
            await svc.client.post("/customers", headers=sup, json={**FILE, "name": "钱", "id_document": DOC})
            hashes.append(
                (await _stored(svc, "SELECT id_document_hash FROM customers ORDER BY created_at DESC"))[0]
            )
    assert hashes[0] != hashes[1]


async def test_balances_and_profit_v2_name_the_customer_by_external_id_and_v1_keeps_working(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        c = svc.client
        cid = (
            await c.post("/customers", headers=sup, json={**FILE, "name": "孙家", "external_id": "6210001"})
        ).json()["id"]
        v2 = {"deposit": "100.00", "loan": "0.00", "overdue": "0.00", "as_of": "2026-01-31T00:00:00Z"}
        ok = await svc.deliver(
            "corebanking.balances",
            "balance.reported",
            "6210001",
            {**v2, "external_id": "6210001"},
            schema_version=2,
        )
        assert ok == Outcome.APPLIED
        assert (await c.get(f"/customers/{cid}", headers=sup)).json()["deposit_balance"] == "100.00"
        v1 = {**v2, "customer_id": cid, "deposit": "200.00", "as_of": "2026-02-28T00:00:00Z"}
        assert await svc.deliver("corebanking.balances", "balance.reported", cid, v1) == Outcome.APPLIED
        assert (await c.get(f"/customers/{cid}", headers=sup)).json()["deposit_balance"] == "200.00"
        unknown = await svc.deliver(
            "corebanking.balances", "balance.reported", "999", {**v2, "external_id": "999"}, schema_version=2
        )
        assert unknown == Outcome.DEAD_LETTERED
        both = {**v2, "external_id": "6210001", "customer_id": cid}
        assert (
            await svc.deliver("corebanking.balances", "balance.reported", cid, both, schema_version=2)
            == Outcome.DEAD_LETTERED
        )
        posting = {"period": "2026-01", "product": "loan", "amount": "10.00", "posted_on": "2026-01-31"}
        applied = await svc.deliver(
            "corebanking.pnl",
            "profit.posted",
            "6210001",
            {**posting, "posting_id": "p-1", "external_id": "6210001"},
            schema_version=2,
        )
        assert applied == Outcome.APPLIED
        missing = await svc.deliver(
            "corebanking.pnl",
            "profit.posted",
            "404",
            {**posting, "posting_id": "p-2", "external_id": "404"},
            schema_version=2,
        )
        assert missing == Outcome.DEAD_LETTERED
        reasons = [r[0] for r in await _stored(svc, "SELECT reason FROM dead_letters ORDER BY id")]
        assert "unknown external id 999" in reasons[0]
        assert "exactly one of customer_id or external_id" in reasons[1]
        assert "unknown external id 404" in reasons[2]
        profit = await _stored(svc, "SELECT customer_id FROM profit_postings")
        assert profit == [(cid,)]


def _registered(customer_id: str, external_id: str | None) -> dict:
    return {
        "customer_id": customer_id,
        "file_no": "F00000001",
        "name": "周家",
        "kind": "farm_household",
        "primary_manager_id": "m-c",
        "external_id": external_id,
    }


async def test_R_A2_appraisal_resolves_postings_by_external_id_and_holds_unknown_ones(database_url):
    async with offline("appraisal", database_url) as svc:
        sup = svc.as_("sup-1", "supervisor")
        await svc.deliver("customer.customers", "customer.registered", "c-1", _registered("c-1", "CB-1"))
        posting = {"period": "2025-03", "product": "loan", "amount": "12.50", "posted_on": "2025-03-31"}
        for posting_id, external in (("g-1", "CB-1"), ("g-2", "CB-2")):
            outcome = await svc.deliver(
                "corebanking.pnl",
                "profit.posted",
                external,
                {**posting, "posting_id": posting_id, "external_id": external},
                schema_version=2,
            )
            assert outcome == Outcome.APPLIED
        assert [
            p["posting_id"] for p in (await svc.client.get("/ledger/customers/c-1", headers=sup)).json()
        ] == ["g-1"]
        held = (await svc.client.get("/ledger/held", headers=sup)).json()
        assert {(h["posting_id"], h["external_id"]) for h in held} >= {("g-2", "CB-2")}
        identified = {"customer_id": "c-2", "external_id": "CB-2", "previous_external_id": None}
        await svc.deliver("customer.customers", "customer.identified", "c-2", identified)
        assert [
            p["posting_id"] for p in (await svc.client.get("/ledger/customers/c-2", headers=sup)).json()
        ] == ["g-2"]


async def test_audit_resolves_balances_by_external_id_and_dead_letters_unknown_ones(database_url):
    async with offline("audit", database_url) as svc:
        await svc.deliver("customer.customers", "customer.registered", "c-1", _registered("c-1", "CB-1"))
        v2 = {"deposit": "0.00", "loan": "100.00", "overdue": "30.00", "as_of": "2026-01-31T00:00:00Z"}
        ok = await svc.deliver(
            "corebanking.balances",
            "balance.reported",
            "CB-1",
            {**v2, "external_id": "CB-1"},
            schema_version=2,
        )
        assert ok == Outcome.APPLIED
        aud = svc.as_("aud-1", "auditor")
        findings = (await svc.client.get("/findings?rule_id=R-I1", headers=aud)).json()
        assert [f["customer_id"] for f in findings] == ["c-1"]
        unknown = await svc.deliver(
            "corebanking.balances",
            "balance.reported",
            "CB-9",
            {**v2, "external_id": "CB-9"},
            schema_version=2,
        )
        assert unknown == Outcome.DEAD_LETTERED
        reasons = [r[0] for r in await _stored(svc, "SELECT reason FROM dead_letters")]
        assert any("unknown external id CB-9" in r for r in reasons)


SEARCHABLE = (
    ("王家农场", "+86 138 0013 8000", "CB-77"),
    ("王小二", None, None),
    ("Wang Farm", "0571-8888 1234", None),
    ("李四", "139 1111 2222", None),
)


async def test_q_finds_customers_by_name_prefix_file_number_phone_and_external_id(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        c = svc.client
        ids = {}
        for name, contact, external in SEARCHABLE:
            primary = "m-t" if name == "李四" else "m-c"
            body = {
                **FILE,
                "name": name,
                "contact": contact,
                "external_id": external,
                "primary_manager_id": primary,
            }
            made = (await c.post("/customers", headers=sup, json=body)).json()
            ids[name] = made["id"], made["file_no"]

        async def names(q: str, headers=sup) -> set[str]:
            found = await c.get("/customers", headers=headers, params={"q": q})
            assert found.status_code == 200, found.text
            return {next(n for n, (i, _) in ids.items() if i == f["id"]) for f in found.json()}

        assert await names("王") == {"王家农场", "王小二"}
        assert await names("王家") == {"王家农场"}
        assert await names("wang") == {"Wang Farm"}  # case folded
        assert await names("\uff37\uff41\uff4e\uff47") == {"Wang Farm"}  # full-width letters folded
        assert await names("家") == set(), "a prefix, not a substring"
        assert await names("13800138000") == {"王家农场"}
        assert await names("8000") == {"王家农场"}  # the end of a number
        assert await names("8888-1234") == {"Wang Farm"}
        assert await names("CB-77") == {"王家农场"}
        assert await names(ids["李四"][1].lower()) == {"李四"}  # file number
        assert await names("%") == set()
        cm = svc.as_("m-c", "cm")  # a CM finds only the customers they serve
        assert await names("李", cm) == set()
        assert await names("王", cm) == {"王家农场", "王小二"}
        assert await names("李", svc.as_("m-t", "cm")) == {"李四"}
        other = await with_managers(svc, org="rcc-other", suffix="-o")
        assert await names("王", other) == set()
        patched = await c.patch(
            f"/customers/{ids['李四'][0]}", headers=sup, json={"contact": "186 0000 9999"}
        )
        assert patched.status_code == 200
        assert await names("9999") == {"李四"}
        assert (await c.get("/customers", headers=sup, params={"q": ""})).status_code == 422


async def test_q_is_served_by_indexes_on_postgresql(database_url):
    if not database_url.startswith("postgresql"):
        return  # SQLite plans its own way; the point is PostgreSQL at scale
    async with offline("customer", database_url) as svc:
        runtime: Runtime = svc.app.state.runtime
        async with runtime.uow() as uow:
            await uow.session.execute(
                text(
                    "INSERT INTO customers (id, org_id, file_no, name, name_key, phone_key, kind, importance,"
                    " classification, attribution_mode, compliant, compliance_issues, created_at, created_by,"
                    " row_version) SELECT 'c-' || g, 'org-' || (g % 20), 'F' || lpad(g::text, 8, '0'),"
                    " '客户' || g, '客户' || g, reverse('1380000' || lpad(g::text, 4, '0')), 'person',"
                    " 'ordinary', '{}', 'shares', true, '[]', now(), 'x', 1 FROM generate_series(1, 20000) g"
                )
            )
            await uow.session.commit()
            await uow.session.execute(text("ANALYZE customers"))
            plans = {}
            for q in ("客户12", "00138000123", "F00000042"):
                query = select(CustomerRow.id).where(CustomerRow.org_id == "org-3", matching(q, "postgresql"))
                sql = query.compile(
                    dialect=uow.session.get_bind().dialect, compile_kwargs={"literal_binds": True}
                )
                rows = (await uow.session.execute(text(f"EXPLAIN {sql}"))).all()
                plans[q] = "\n".join(r[0] for r in rows)
        for q, plan in plans.items():
            assert "Seq Scan" not in plan, f"{q}: {plan}"
        assert "ix_customers_org_name_key" in plans["客户12"], plans["客户12"]
        assert "ix_customers_org_phone_key" in plans["00138000123"], plans["00138000123"]
