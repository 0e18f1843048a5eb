"""The contracts proved with a client we did not write: kcat (librdkafka), fed the documented examples.

Core-banking and risk messages are the committed examples of docs/contracts/ with the ids filled in,
published with `kcat -P`; credit recommendations are read with `kcat -C` and checked against the
committed JSON Schema; the effects are read from the services' HTTP APIs, as an integrator would.
"""

import asyncio
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from steward.embedded_broker import EmbeddedBroker, free_port
from tests.conftest import KafkaTarget
from tests.integration.conftest import Service, serve
from tests.kafka_relay import KafkaRelay
from tests.rules.test_customer_assignment import _managers
from tests.support import ORG, eventually

pytestmark = pytest.mark.timeout(150)
CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "contracts"
KCAT = shutil.which("kcat")


@pytest.fixture(scope="module")
def kcat_kafka() -> Iterator[KafkaTarget]:
    """A broker kcat can talk to: STEWARD_TEST_KAFKA if given, else tansu behind the relay."""
    if KCAT is None:
        if os.environ.get("CI"):
            pytest.fail("kcat is missing: .ci/run installs it (apt-get install kcat)")
        pytest.skip("kcat is not installed: `make kcat` installs it")
    given = os.environ.get("STEWARD_TEST_KAFKA")
    if given:
        yield KafkaTarget(given, idempotent=os.environ.get("STEWARD_TEST_KAFKA_IDEMPOTENT", "1") == "1")
        return
    broker_port, relay_port = free_port(), free_port()
    relay = KafkaRelay(relay_port, ("127.0.0.1", broker_port))
    relay.start()
    broker = EmbeddedBroker("127.0.0.1", broker_port, advertised_port=relay_port)
    broker.start()
    try:
        yield KafkaTarget(broker.bootstrap_servers, idempotent=False)
    finally:
        broker.stop()
        relay.stop()


async def kcat(*args: str) -> str:
    """Run kcat with a time limit; fail with its error output if it fails."""
    assert KCAT is not None
    process = await asyncio.create_subprocess_exec(
        KCAT, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, f"kcat {' '.join(args)} failed: {err.decode()}"
    return out.decode()


def documented(event_type: str, tmp_path: Path, key: str, **payload: Any) -> Path:
    """The committed example of an event type with our own ids filled in, as a file for `kcat -P`."""
    message = json.loads((CONTRACTS / "examples" / f"{event_type}.v1.json").read_text())
    message.update(event_id=str(uuid.uuid4()), org_id=ORG, key=key, correlation_id=str(uuid.uuid4()))
    assert set(payload) <= set(message["payload"]), "only documented fields are filled in"
    message["payload"].update(payload)
    path = tmp_path / f"{event_type}-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(message, indent=2))
    return path


async def publish(service: Service, topic: str, key: str, path: Path) -> None:
    """What a core-banking or risk team runs: one JSON file, one message, keyed by the customer id."""
    await kcat(
        "-P",
        "-b",
        service.bootstrap,
        "-t",
        f"{service.prefix}{topic}",
        "-k",
        key,
        "-X",
        "acks=all",
        str(path),
    )


async def consume(service: Service, topic: str) -> list[dict[str, Any]]:
    """Every message on a topic so far, as kcat's JSON envelope (key, headers, payload text)."""
    out = await kcat(
        "-C", "-b", service.bootstrap, "-t", f"{service.prefix}{topic}", "-o", "beginning", "-e", "-J", "-q"
    )
    return [json.loads(line) for line in out.splitlines() if line.strip()]


async def _ready(service: Service) -> None:
    async def ready():
        return (await service.client.get("/readyz")).status_code == 200

    await eventually(ready, timeout=30, what="the service connected to Kafka")


async def test_R_C5_R_R2_R_I1_core_banking_and_risk_integrate_with_kcat_and_the_documented_json(
    kcat_kafka, prefix, tmp_path
):
    from shared.timeutil import utcnow

    db = tmp_path / "db"
    db.mkdir()
    async with (
        serve("customer", f"sqlite+aiosqlite:///{db / 'customer.db'}", kcat_kafka, prefix) as customer,
        serve(
            "audit", f"sqlite+aiosqlite:///{db / 'audit.db'}", kcat_kafka, prefix, compliance_sweep_seconds=0
        ) as audit,
    ):
        await _ready(customer)
        await _ready(audit)
        sup = await _managers(customer)
        created = await customer.client.post(
            "/customers",
            headers=sup,
            json={"name": "Green Farm", "kind": "farm_household", "primary_manager_id": "m-c"},
        )
        cid = created.json()["id"]

        # Core banking: a balance report and a profit posting.
        await publish(
            customer,
            "corebanking.balances",
            cid,
            documented("balance.reported", tmp_path, cid, customer_id=cid),
        )
        today = utcnow().date()
        posting = documented(
            "profit.posted",
            tmp_path,
            cid,
            customer_id=cid,
            period=f"{today.year:04d}-{today.month:02d}",
            posted_on=today.isoformat(),
        )
        await publish(customer, "corebanking.pnl", cid, posting)

        async def balances_and_profit():
            found = (await customer.client.get(f"/customers/{cid}/value", headers=sup)).json()
            row = (await customer.client.get(f"/customers/{cid}", headers=sup)).json()
            done = row["deposit_balance"] == "152340.50" and found["profit_last_12m"] == "1820.35"
            return (row, found) if done else None

        row, value = await eventually(balances_and_profit, what="the balance and the posting")
        assert (row["loan_balance"], row["overdue_balance"]) == ("480000.00", "0.00")
        assert value["deposit"] == "152340.50"

        # Risk: a rating with early-warning flags raises an R-I1 finding in audit.
        await publish(
            customer,
            "risk.customer-ratings",
            cid,
            documented("customer.rated", tmp_path, cid, customer_id=cid),
        )

        async def warned():
            findings = (
                await audit.client.get(
                    "/findings",
                    headers=audit.as_("aud-1", "auditor"),
                    params={"rule_id": "R-I1", "customer_id": cid},
                )
            ).json()
            return findings or None

        [finding] = await eventually(warned, what="the early-warning finding")
        assert "overdue-interest" in finding["description"]

        # Customer service publishes a recommendation; kcat reads it and it matches the committed schema.
        rec = await customer.client.post(
            f"/customers/{cid}/credit-recommendations",
            headers=customer.as_("m-c", "cm"),
            json={
                "product": "loans",
                "amount": "500000",
                "term_months": 12,
                "purpose": "seed",
                "rationale": "ok",
            },
        )
        rec_id = rec.json()["id"]

        async def read_back():
            found = [
                m
                for m in await consume(customer, "customer.credit-recommendations")
                if rec_id in m["payload"]
            ]
            return found or None

        [record] = await eventually(read_back, what="the recommendation read with kcat")
        schema = json.loads((CONTRACTS / "credit-recommendation.submitted.v1.schema.json").read_text())
        message = json.loads(record["payload"])
        jsonschema.Draft202012Validator(schema).validate(message)
        assert record["key"] == cid == message["key"]
        assert (message["payload"]["amount"], message["org_id"]) == ("500000.00", ORG)

        # Risk answers on the recommendation's key; the decision comes back into customer service.
        decision = documented("credit-decision.made", tmp_path, record["key"], recommendation_id=rec_id)
        await publish(customer, "risk.credit-decisions", record["key"], decision)

        async def approved():
            found = (
                await customer.client.get(
                    f"/credit-recommendations/{rec_id}", headers=customer.as_("m-c", "cm")
                )
            ).json()
            return found if found["status"] == "approved" else None

        final = await eventually(approved, what="the approval from kcat")
        assert (final["approved_amount"], final["credit_line"]) == ("450000.00", "500000.00")

        # A float where money belongs is dead-lettered, with the reason in a header of <topic>.dlq.
        bad = json.loads(documented("balance.reported", tmp_path, cid, customer_id=cid).read_text())
        bad["payload"]["deposit"] = 152340.5
        bad_path = tmp_path / "bad.json"
        bad_path.write_text(json.dumps(bad))
        await publish(customer, "corebanking.balances", cid, bad_path)

        async def dead_letter():
            letters = await consume(customer, "corebanking.balances.dlq")
            found = [(m, _headers(m)) for m in letters]
            return [(m, h) for m, h in found if h["dlq.consumer"] == "customer.balances"] or None

        [(letter, headers)] = await eventually(dead_letter, what="the dead letter read with kcat")
        assert "not a float" in headers["dlq.reason"]
        assert headers["dlq.topic"] == f"{prefix}corebanking.balances"
        assert json.loads(letter["payload"]) == bad


def _headers(record: dict[str, Any]) -> dict[str, str]:
    flat = record.get("headers") or []
    return dict(zip(flat[::2], flat[1::2], strict=True))
