"""`steward import` against the running suite reports what each service applied, held and dead-lettered."""

import asyncio
import os
import re
import subprocess
import sys

import pytest

from tests.e2e.test_departure_saga import ORG, _all_ready, suite  # noqa: F401 - the suite fixture
from tests.support import eventually

pytestmark = pytest.mark.e2e


async def test_R_A2_the_import_report_counts_what_each_service_applied_and_held(suite):  # noqa: F811
    process, urls, tmp = suite
    await eventually(lambda: _all_ready(urls, process, tmp / "up.log"), timeout=180, what="all four /readyz")
    broker = re.search(r"broker\s+(\S+)", (tmp / "up.log").read_text())
    assert broker is not None
    pnl = tmp / "pnl.csv"
    pnl.write_text(
        "posting_id,customer_id,period,product,amount,posted_on\n"
        "GL-1,c-not-yet-known,2026-01,farm_loan,1820.35,2026-01-31\n"
        "GL-2,c-not-yet-known,2026-01,farm_loan,-20.00,2026-01-31\n",
        encoding="gb18030",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env["STEWARD_IMPORT_APPRAISAL_URL"] = urls["appraisal"]
    command = [sys.executable, "-m", "steward", "import", "pnl", str(pnl), "--org", ORG]
    command += ["--kafka", broker.group(1), "--wait", "90"]
    done = await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    output = done.stdout + done.stderr
    assert "published 2 profit.posted events" in output, output
    assert "appraisal: 0 applied, 2 held, 0 dead-lettered" in output, output
    assert "customer: 2 applied, 0 held, 0 dead-lettered" in output, output  # kept for the value review
    assert done.returncode == 0, output
