"""R-I2: the database keeps one open finding per rule and subject, whatever consumers race."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from services.audit.app import MIGRATIONS
from services.audit.models import FindingRow
from shared.db import create_engine, create_session_factory
from tests.templates import migrate_async


def _finding(finding_id: str, status: str = "open") -> FindingRow:
    return FindingRow(
        id=finding_id,
        org_id="rcc-test",
        rule_id="R-C3",
        subject_key="customer:c-1",
        customer_id="c-1",
        severity="medium",
        description="needs two CMs",
        evidence=[],
        status=status,
        raised_by="test",
        raised_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


async def test_R_I2_a_second_open_finding_for_the_same_rule_and_subject_is_refused(database_url):
    await migrate_async(MIGRATIONS, database_url)
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            session.add(_finding("f-1"))
        with pytest.raises(IntegrityError):
            async with sessions() as session, session.begin():
                session.add(_finding("f-2"))
        async with sessions() as session, session.begin():
            first = await session.get(FindingRow, "f-1")
            assert first is not None
            first.status = "resolved"
        async with sessions() as session, session.begin():
            session.add(_finding("f-3"))  # the condition came back after it was resolved
            session.add(_finding("f-4", status="resolved"))
    finally:
        await engine.dispose()
