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
    assert _offenders("widgets", ("data.store.store", "data.connectors", "data.sync.run", "requests", "app")) == []


def test_the_rule_checker_sees_imports() -> None:
    # Guard against a checker that passes because it reads nothing.
    assert any("sqlalchemy" in names for names in _imports("data").values())


def _cycles(*packages: str) -> list[list[str]]:
    """Strongly connected groups of modules (import cycles), lazy and TYPE_CHECKING imports included."""
    import grimp

    graph = grimp.build_graph(*packages)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative Tarjan: the module graph is deep enough to trouble Python's recursion limit.
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return groups


def test_there_are_no_import_cycles() -> None:
    # A package's __init__ importing its own submodule is no cycle worth the name; everything else is.
    cycles = [g for g in _cycles("app", "data", "widgets") if not all(m == g[0] or m.startswith(g[0] + ".") for m in g)]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle(tmp_path: Path) -> None:
    import sys

    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyc import b\n")
    (pkg / "b.py").write_text("from cyc import a\n")
    (pkg / "c.py").write_text("from cyc import a\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert _cycles("cyc") == [["cyc.a", "cyc.b"]]
    finally:
        sys.path.remove(str(tmp_path))
