"""Skips for a missing tool or service, which are failures in CI.

A developer's machine may lack Xvfb, the PostgreSQL test cluster or a validator: the test is then
skipped with the reason. CI (``CI=true``) runs tests/harness/run_tests.sh, which installs and starts
every one of them, so there a missing one is a broken set-up and must fail, never pass as a quiet skip.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """True under CI (``CI=true``, as .ci/run and tests/harness/run_tests.sh see it)."""
    return os.environ.get("CI") == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip the test for ``reason`` (a missing tool or service); under ``CI=true`` fail it instead."""
    if in_ci():
        pytest.fail(f"{reason}; CI=true, where tests/harness/run_tests.sh must provide it", pytrace=False)
    pytest.skip(reason)


def need_tool(name: str, install: str, *, path: str | None = None) -> str:
    """The path of the program ``name`` (looked up in ``path``, default PATH), or :func:`unavailable`.

    ``install`` says how to get it, e.g. ``"Debian package gettext"``.
    """
    found = shutil.which(name, path=path)
    if found is None:
        unavailable(f"{name} is not installed ({install})")
    return found
