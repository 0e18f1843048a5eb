"""The README's curl walk, taken verbatim from README.md, works against a running suite, twice in a row."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_departure_saga import _all_ready, suite  # noqa: F401 - the suite fixture
from tests.support import eventually

pytestmark = pytest.mark.e2e
README = Path(__file__).resolve().parents[2] / "README.md"


def walk_block() -> str:
    """The first shell block under the README's 'Walk the departure saga with curl' heading."""
    text = README.read_text()
    section = text[text.index("## Walk the departure saga with curl") :]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_the_walk_waits_for_each_hop_and_filters_by_manager():
    block = walk_block()
    assert "wait_for" in block
    assert "manager_id=$MID" in block
    assert "E$RANDOM" in block
    assert "--org $ORG" in block


async def test_the_readme_walk_runs_as_pasted_in_a_fresh_cooperative_each_time(suite):  # noqa: F811
    if shutil.which("jq") is None:
        if os.environ.get("CI"):
            pytest.fail("jq is missing: .ci/run installs it")
        pytest.skip("jq is not installed (CI installs it)")
    process, urls, tmp = suite
    await eventually(lambda: _all_ready(urls, process, tmp / "up.log"), timeout=180, what="all four /readyz")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update({name.upper(): url.removeprefix("http://") for name, url in urls.items()})
    for _ in range(2):  # a second paste must work too: a new cooperative, a new employee number
        done = subprocess.run(
            ["bash", "-c", walk_block()], env=env, capture_output=True, text=True, timeout=240, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        lines = done.stdout.split()
        assert lines[-1] == "departed", done.stdout + done.stderr
        assert '"departure_pending"' in lines
