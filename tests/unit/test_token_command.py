"""`steward token` starts fast: it loads no service, no web framework, no broker client, no database."""

import subprocess
import sys

import jwt

from shared.settings import DEV_JWT_SECRET

HEAVY = ("services", "fastapi", "starlette", "aiokafka", "faststream", "sqlalchemy", "alembic", "openpyxl")
RUN = "import sys; sys.argv = ['steward', *sys.argv[1:]]; from steward.entry import main; main()"


def test_the_token_command_imports_nothing_heavy_and_signs_a_valid_token():
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", RUN, "token", "--user", "hr-1", "--role", "hr"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={"PATH": "/usr/bin:/bin", "STEWARD_PROFILE": "dev"},
    )
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))
    claims = jwt.decode(done.stdout.strip(), DEV_JWT_SECRET, algorithms=["HS256"], audience="steward")
    assert (claims["sub"], claims["roles"], claims["org_id"]) == ("hr-1", ["hr"], "rcc-demo")
