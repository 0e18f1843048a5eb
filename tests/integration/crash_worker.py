"""A real appraisal service process that dies (os._exit) right after its first consumer commit.

Used by the reliability test: the effect and inbox row are committed, the Kafka offset is not.
Settings come from the environment (STEWARD_APPRAISAL_*), as in production.
"""

import asyncio
import os
import sys
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from services.appraisal.app import create_app
from services.appraisal.settings import AppraisalSettings


def _arm_crash() -> None:
    @event.listens_for(Session, "do_orm_execute")
    def _mark_inbox(state: ORMExecuteState) -> None:
        table = getattr(state.statement, "table", None)
        if state.is_insert and getattr(table, "name", None) == "inbox":
            state.session.info["inbox_written"] = True

    @event.listens_for(Session, "after_commit")
    def _die(session: Any) -> None:
        if session.info.get("inbox_written"):
            sys.stderr.write("crash_worker: effect committed, dying before the offset commit\n")
            sys.stderr.flush()
            os._exit(137)


async def main() -> None:
    """Run the consumer until the crash (or 60 s, so it never outlives a test)."""
    _arm_crash()
    app = create_app(AppraisalSettings())
    async with app.router.lifespan_context(app):
        await asyncio.sleep(60)


if __name__ == "__main__":
    asyncio.run(main())
