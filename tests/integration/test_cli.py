"""The `steward` command: migrate and token."""

import sqlite3

from typer.testing import CliRunner

from shared.auth import decode_token
from shared.settings import ServiceSettings
from steward.cli import app


def test_migrate_applies_every_service_schema(tmp_path, monkeypatch):
    for service in ("customer", "staffing", "appraisal", "audit"):
        monkeypatch.setenv(
            f"STEWARD_{service.upper()}_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / service}.db"
        )
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    tables = {
        service: {
            r[0]
            for r in sqlite3.connect(tmp_path / f"{service}.db").execute("select name from sqlite_master")
        }
        for service in ("customer", "staffing", "appraisal", "audit")
    }
    for names in tables.values():
        assert {"outbox", "inbox", "dead_letters", "alembic_version"} <= names
    assert "managers" in tables["staffing"]
    assert "departure_audits" in tables["audit"]
    again = CliRunner().invoke(app, ["migrate", "--service", "audit"])
    assert again.exit_code == 0
    assert "audit: migrated" in again.output


def test_token_is_accepted_by_the_services_in_dev(monkeypatch):
    monkeypatch.delenv("STEWARD_JWT_SECRET", raising=False)
    result = CliRunner().invoke(app, ["token", "--user", "aud-1", "--role", "auditor", "--role", "hr"])
    assert result.exit_code == 0, result.output
    principal = decode_token(ServiceSettings(profile="dev"), result.output.strip())
    assert principal.user_id == "aud-1"
    assert {r.value for r in principal.roles} == {"auditor", "hr"}
    assert principal.org_id == "rcc-demo"


def test_token_refuses_an_unknown_role():
    result = CliRunner().invoke(app, ["token", "--user", "x", "--role", "root"])
    assert result.exit_code != 0
