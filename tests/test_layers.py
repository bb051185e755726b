"""The layer contract of DESIGN section 1, checked two ways.

import-linter checks the import graph (including indirect imports); the AST
scan below names the offending file and line directly, so a failure is easy to
fix even without reading import-linter's report.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["parsers", "warehouse", "alerts", "report", "flows"]
FORBIDDEN_EVERYWHERE_BUT_FLOWS = {"prefect"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _layer(module: str) -> str:
    """`pactwatch.alerts.detect` -> `alerts`; a third-party module -> its top-level name."""
    parts = module.split(".")
    return parts[1] if parts[0] == "pactwatch" and len(parts) > 1 else parts[0]


@pytest.mark.parametrize("package", ORDER[:-1])
def test_lower_layers_never_reach_up(package: str) -> None:
    higher = set(ORDER[ORDER.index(package) + 1 :]) | FORBIDDEN_EVERYWHERE_BUT_FLOWS
    if package == "parsers":
        higher.add("duckdb")
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / "pactwatch" / package).rglob("*.py"))
        for line, name in imported_modules(path)
        if _layer(name) in higher
    ]
    assert offences == []


def test_import_linter_contracts_hold() -> None:
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
