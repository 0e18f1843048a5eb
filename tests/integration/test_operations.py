"""Operations surface of a service: probes, metrics, OpenAPI, AsyncAPI, correlation ids."""

from services.audit.app import MIGRATIONS, create_app
from services.audit.settings import AuditSettings
from tests.support import make_settings, metric_value, running


async def test_probes_metrics_and_documents(tmp_path, kafka, prefix):
    settings = make_settings(
        AuditSettings,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}",
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
    )
    async with running(create_app(settings), MIGRATIONS, wait_for_kafka=True) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["database"]["ok"]
        assert ready.json()["broker"]["ok"]

        traced = await client.get("/healthz", headers={"X-Correlation-ID": "corr-123"})
        assert traced.headers["X-Correlation-ID"] == "corr-123"
        assert (
            traced.headers["X-Correlation-ID"] != (await client.get("/healthz")).headers["X-Correlation-ID"]
        )

        metrics = (await client.get("/metrics")).text
        assert metric_value(metrics, "steward_http_requests_total", route="/healthz", status="200") >= 3
        assert "steward_outbox_lag" in metrics

        openapi = (await client.get("/openapi.json")).json()
        assert "/departure-audits/{audit_id}/items/{item_id}/clear" in openapi["paths"]
        assert (await client.get("/docs")).status_code == 200

        asyncapi = (await client.get("/asyncapi")).json()
        assert asyncapi["asyncapi"].startswith("3.")
        addresses = {channel["address"] for channel in asyncapi["channels"].values()}
        assert {
            f"{prefix}staffing.managers",
            f"{prefix}customer.customers",
            f"{prefix}audit.cases",
        } <= addresses
        html = await client.get("/asyncapi", headers={"Accept": "text/html"})
        assert html.headers["content-type"].startswith("text/html")


async def test_readiness_reports_a_missing_broker_and_writes_still_go_to_the_outbox(tmp_path, prefix):
    from services.staffing.app import MIGRATIONS as STAFFING
    from services.staffing.app import create_app as create_staffing
    from services.staffing.settings import StaffingSettings
    from steward.embedded_broker import free_port
    from tests.support import auth

    settings = make_settings(
        StaffingSettings,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 's.db'}",
        bootstrap=f"127.0.0.1:{free_port()}",
        idempotent=False,
        prefix=prefix,
    )
    async with running(create_staffing(settings), STAFFING, wait_for_kafka=False) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["broker"]["ok"] is False
        created = await client.post(
            "/managers",
            headers=auth(settings, "hr-1", "hr"),
            json={"employee_no": "E5", "name": "Ma", "grade": "trainee", "branch": "b"},
        )
        assert created.status_code == 201
