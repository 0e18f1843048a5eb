"""Schemathesis over each service's OpenAPI, in-process through ASGI: no 5xx, every answer as documented.

For every operation, valid and invalid requests are generated and sent with a token whose roles vary with
the request (every role at once, or one), so both the role checks and the handlers behind them are fuzzed;
each answer must be no 5xx, a documented status, and match its documented schema, content type and
headers. The tests are built when they run (collection stays cheap for every pytest-xdist worker) and
bounded: a few examples per operation keep the file well under 90 seconds per database. The broker is a
closed loopback port (nothing is published; events wait in the outbox), the database a fresh SQLite file
or a fresh PostgreSQL database (which refuses NUL characters and checks integer ranges on its own).
/readyz is left out: its 503 while the broker is down is its contract.
"""

import asyncio
import zlib
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.auth import Role
from tests.inprocess import SERVICES, build_app, migrations, offline_settings, serve_offline
from tests.support import auth
from tests.templates import migrate_async

EXAMPLES = {"sqlite": 10, "postgresql": 6}  # per operation, valid and invalid together
SKIPPED_PATHS = {"/readyz"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]
# The caller of a request is picked from its content, so a failing example replays with the same roles;
# every role at once gets past the role checks, one role at a time exercises each role's own branches.
ALL_ROLES = tuple(r.value for r in Role)
CALLERS: list[tuple[str, ...]] = [ALL_ROLES, ALL_ROLES, ALL_ROLES, *((r.value,) for r in Role)]


def _schema(name: str, database_url: str) -> Any:
    """The service's OpenAPI bound to its app, on a fresh migrated database (the app starts on first call)."""
    service_settings = offline_settings(name, database_url)
    asyncio.run(migrate_async(migrations(name), service_settings.database_url))
    app = build_app(name, service_settings)
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.app = app  # what `from_asgi` does, without starting the app just to fetch /openapi.json
    return schema


def _caller(case: Any) -> tuple[str, ...]:
    seed = zlib.crc32(repr((case.method, case.path, case.path_parameters, case.query, case.body)).encode())
    return CALLERS[seed % len(CALLERS)]


@pytest.mark.parametrize("service", SERVICES)
def test_fuzz_every_operation_answers_as_documented_and_never_5xx(service, database_url):
    """On SQLite and on PostgreSQL (issue 13 item 6: NUL characters were a 500 there only)."""
    examples = EXAMPLES["sqlite" if database_url.startswith("sqlite") else "postgresql"]
    schema = _schema(service, database_url)
    service_settings = schema.app.state.settings
    seen: Counter[int] = Counter()
    failures: list[str] = []
    operations = 0

    def send(case: Any) -> None:
        roles = _caller(case)
        response = case.call_and_validate(
            headers=auth(service_settings, f"fuzz-{roles[0]}", *roles), checks=CHECKS
        )
        seen[response.status_code // 100] += 1

    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path in SKIPPED_PATHS:
                continue
            operations += 1
            cases = st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
            )
            fuzz = settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))(
                given(case=cases)(send)
            )
            try:
                fuzz()
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports a group of failed checks
                failures.append(f"--- {operation.label}\n{exc}")
    finally:
        shutdown_lifespans()  # stop the app (relay, engine) before its database folder goes

    assert operations > 0
    assert failures == [], f"{len(failures)} of {operations} operations failed:\n" + "\n".join(failures)
    # the fuzzing got past validation and the role checks into the handlers, and was refused there too
    assert seen[2] > 0, dict(seen)
    assert seen[4] > 0, dict(seen)


BIG = 2**64  # more than a 64-bit database integer holds
ANSWER = {"question_id": BIG, "answer": "a"}


@pytest.mark.parametrize(
    ("service", "roles", "method", "url", "body"),
    [
        ("customer", ("supervisor",), "GET", f"/customers?offset={BIG}", None),
        ("staffing", ("hr",), "GET", f"/managers?offset={BIG}", None),
        ("audit", ("admin",), "POST", f"/admin/dead-letters/{BIG}/replay", None),
        ("audit", ("auditor",), "POST", f"/departure-audits/a/items/{BIG}/clear", {"note": "n"}),
        ("customer", ("cm",), "POST", "/credit-recommendations/r/answers", ANSWER),
    ],
    ids=["customer-offset", "staffing-offset", "dead-letter-id", "audit-item-id", "question-id"],
)
async def test_numbers_beyond_64_bits_are_refused_with_422_not_a_database_overflow(
    service, roles, method, url, body, tmp_path
):
    """Found by the fuzzing above: an offset or id this large reached the database driver and was a 500."""
    async with serve_offline(service, tmp_path / f"{service}.db") as svc:
        response = await svc.client.request(method, url, json=body, headers=svc.as_("u-1", *roles))
        assert response.status_code == 422, response.text
