"""The distribution: one import name, an honest public surface, no shadowing by user folders."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pactwatch

from .conftest import SEED

ROOT = Path(__file__).resolve().parents[1]
GENERIC = ("parsers", "warehouse", "alerts", "report", "flows")


def test_public_surface_is_what_all_says() -> None:
    # As httpx's test_exported_members: every public name is listed, every listed name exists,
    # and each comes from pactwatch itself rather than a re-exported dependency.
    public = {name for name in dir(pactwatch) if not name.startswith("_")}
    public -= {"annotations", *GENERIC, "clock", "errors", "PackageNotFoundError", "version"}
    assert public == set(pactwatch.__all__) - {"__version__"}
    for name in pactwatch.__all__:
        obj = getattr(pactwatch, name)
        module = getattr(obj, "__module__", None)
        assert module is None or module.startswith("pactwatch"), (name, module)


def test_version_matches_the_installed_distribution() -> None:
    from importlib.metadata import version

    assert pactwatch.__version__ == version("pactwatch")
    assert pactwatch.__version__ != "0+unknown"


@pytest.mark.integration
def test_wheel_installs_one_top_level_package_with_its_data(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("pactwatch-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"pactwatch"}
    assert "pactwatch/parsers/data/actors.json" in names
    assert "pactwatch/report/templates/report.html.j2" in names
    assert "pactwatch/alerts/channels/templates/digest.html.j2" in names
    assert any(
        n.startswith("pactwatch/warehouse/migrations/") and n.endswith(".sql") for n in names
    )
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "pactwatch = pactwatch.flows.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


@pytest.mark.integration  # runs the installed `pactwatch` command in a subprocess
@pytest.mark.skipif(not SEED.is_file(), reason=f"shared seed not found at {SEED}")
def test_extract_works_beside_folders_with_our_old_generic_names(tmp_path: Path) -> None:
    for name in GENERIC:
        (tmp_path / name).mkdir()
    exe = Path(sys.executable).parent / "pactwatch"
    result = subprocess.run(
        [str(exe), "extract", str(SEED), "--kind", "text", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    kinds = {c["kind"] for c in json.loads(line)["claims"]}
    assert {"member_count", "partnership"} <= kinds
