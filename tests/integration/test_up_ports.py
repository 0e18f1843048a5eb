"""`steward up` refuses at once, naming the port, when a service port or the broker port is taken."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from steward.embedded_broker import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("taken", ["broker", "customer", "console"])
def test_steward_up_refuses_a_taken_port_and_names_it(tmp_path, taken):
    ports = {
        name: free_port() for name in ("broker", "customer", "staffing", "appraisal", "audit", "console")
    }
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", ports[taken]))
        squatter.listen()
        done = subprocess.run(
            [sys.executable, "-m", "steward", "up", "--var-dir", str(tmp_path / "var")]
            + [arg for name, port in ports.items() for arg in (f"--{name}-port", str(port))],
            env={k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    out = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, out
    assert f"port already in use: {taken} 127.0.0.1:{ports[taken]}" in out
    assert not (tmp_path / "var" / "customer.db").exists(), "nothing was started or migrated"
