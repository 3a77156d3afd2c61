"""The suite's own layout rule: no module under tests/ imports a test module (``test_*``) or a conftest.

A test module imported by another runs its tests' set-up twice and ties two files' fixtures
together; what tests share lives in tests/helpers/ (fakes, samples, builders). Checked on the source
with ``ast``, like tests/test_layers.py.
"""

from __future__ import annotations

import ast

from tests.helpers.paths import ROOT


def _is_test_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "tests" and (parts[-1].startswith("test_") or parts[-1] == "conftest")


def offending_imports(source: str, module: str) -> list[tuple[int, str]]:
    """``(line, imported module)`` for every import of a test module or conftest in ``source``.

    ``module`` is the dotted name of the file holding ``source`` (for relative imports).
    """
    package = module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from tests.gui import test_wall`` imports a module, ``from x.test_y import z`` a name of one.
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        found += [(node.lineno, n) for n in names if _is_test_module(n)]
    return sorted(set(found))


def test_no_module_under_tests_imports_a_test_module_or_a_conftest() -> None:
    bad = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        rel = path.relative_to(ROOT)
        module = ".".join(rel.with_suffix("").parts)
        for line, name in offending_imports(path.read_text(encoding="utf-8"), module):
            bad.append(f"{rel}:{line}: imports {name} (move what is shared to tests/helpers/)")
    assert bad == []


def test_the_check_sees_every_form_of_such_an_import() -> None:
    source = "\n".join(
        [
            "from tests.connectors.test_http import TOKEN",  # 1: a name from a test module
            "from tests.gui import test_wall",  # 2: the module itself
            "import tests.store.test_store",  # 3
            "from tests.conftest import ROOT",  # 4: the root conftest
            "from tests.gui.conftest import FakeEngine",  # 5: a folder's conftest
            "from . import conftest",  # 6: relative, this folder
            "from .test_events import fill",  # 7: relative, a sibling
            "from ..metrics.test_dora import deps",  # 8: relative, another folder
            "from tests.helpers import samples",  # fine: helpers are for sharing
            "from tests.helpers.metrics import T0, h",
            "import pytest",
            "from data.events import importer",
        ]
    )
    assert offending_imports(source, "tests.events.test_events_bad_input") == [
        (1, "tests.connectors.test_http"),
        (2, "tests.gui.test_wall"),
        (3, "tests.store.test_store"),
        (4, "tests.conftest"),
        (5, "tests.gui.conftest"),
        (6, "tests.events.conftest"),
        (7, "tests.events.test_events"),
        (8, "tests.metrics.test_dora"),
    ]
