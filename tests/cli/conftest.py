"""Fixtures of the CLI tests: a small store with the report history and its config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.materialise import cache
from data.store.store import Store
from tests.helpers.report import RECORDS, STREAM


@pytest.fixture
def db(store_url: str, tmp_path: Path) -> tuple[str, str]:
    cache.clear_memory()
    with Store.open(store_url) as s:
        s.upsert(RECORDS)
    cfg = tmp_path / "flowdeck.toml"
    stages = "\n".join(
        "[[streams.stages]]\n" + "\n".join(f"{k} = {json.dumps(v)}" for k, v in st.items()) for st in STREAM["stages"]
    )
    cfg.write_text(
        f'[[streams]]\nname = "Mobile"\nproduction = "^prod$"\ndone = ["Done"]\n{stages}\n', encoding="utf-8"
    )
    return store_url, str(cfg)
