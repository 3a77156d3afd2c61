"""The layer rules of ARCHITECTURE.md, checked on the source (import-linter also runs in make test)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        out[str(path.relative_to(ROOT))] = names
    return out


def _offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{file}: {name}"
        for file, names in _imports(package).items()
        for name in names
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )


def test_data_knows_no_qt_app_or_widgets() -> None:
    assert _offenders("data", ("PySide6", "pyqtgraph", "app", "widgets")) == []


def test_widgets_reach_no_store_connector_sync_or_network() -> None:
    assert _offenders("widgets", ("data.store", "data.connectors", "data.sync", "requests", "app")) == []


def test_the_rule_checker_sees_imports() -> None:
    # Guard against a checker that passes because it reads nothing.
    assert any("sqlalchemy" in names for names in _imports("data").values())
