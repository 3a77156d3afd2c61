"""#14: the query-based quality checks give exactly what the record-by-record ones gave.

Random stores (the materialisation tests' random organisation, plus every kind of anomaly) are
assessed both ways, at several instants: the JSON documents must be equal.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from data.config.parse import parse_config
from data.materialise import cache
from data.quality.checks import assess
from data.records import Change, Deployment, Exclusion, Incident, JobRun, PipelineRun, StatusChange, WorkItem
from data.store.store import Store
from tests.helpers.metrics import h
from tests.helpers.world import STREAM, World
from tests.quality import records_reference


def _oddities() -> list[object]:
    """One record per anomaly check, and a few that only look odd."""
    return [
        WorkItem("jira2", "pay-1", "Same key, other source", h(1), team="payments"),
        WorkItem("jira", "PAY-900", "Changed before it was created", h(50), team="payments"),
        StatusChange("jira", "PAY-900", h(40), "To Do", "In Progress"),
        StatusChange("jira", "PAY-900", h(60), "Nowhere", "Waiting for Godot"),
        StatusChange("jira", "PAY-900", h(61), " waiting for godot ", "Done"),  # same status, other spelling
        StatusChange("jira", "GHOST-1", h(5), "A", "B"),  # no such item
        StatusChange("jira", "GHOST-1", h(6), "C", "D"),
        Change("github", "bank/mobile", "x1", "PAY-1 merged early", h(30), merged_at=h(20), merge_sha="mx1"),
        PipelineRun("gh", "ci", "odd1", queued_at=h(10), started_at=h(9), finished_at=h(11), result="success"),
        PipelineRun("gh", "ci", "odd2", status="completed", started_at=h(10), result="failure"),
        PipelineRun("gh", "ci", "odd3", status="running", started_at=h(10)),
        PipelineRun("gh", "ci", "odd4", started_at=h(12), finished_at=h(12), result="skipped"),
        JobRun("jenkins", "mobile", "odd", "1", "build", started_at=h(3), finished_at=h(3), result="success"),
        JobRun("jenkins", "mobile", "odd", "2", "test", queued_at=h(4), started_at=h(3), result="success"),
        Deployment("jenkins", "bank/mobile", "odd-d1", "prod", "success", started_at=h(8)),
        Deployment("jenkins", "bank/mobile", "odd-d2", "prod", "running", started_at=h(8)),
        Deployment("jenkins", "bank/mobile", "odd-d3", "qa", "success", started_at=h(9), finished_at=h(8)),
        Incident("jira", "INC-odd", h(20), repo="bank/mobile", resolved_at=h(19)),
    ]


@pytest.mark.parametrize("seed", [3, 5])
def test_quality_by_query_equals_the_record_by_record_checks(store_url: str, seed: int) -> None:
    config = parse_config({"streams": [STREAM]}, "test.toml")
    world = World(seed=seed)
    cache.clear_memory()
    with Store.open(store_url) as store:
        store.upsert([r for _ in range(8) for r in world.new_item() + world.move()])
        for _ in range(70):
            store.upsert(world.page())
        store.upsert(_oddities())
        with store.writer() as w:
            w.add_exclusion(Exclusion("work_item", "jira", "PAY-3", "test"))
            w.add_exclusion(Exclusion("deployment", "jenkins", "bank/mobile#odd-d1", "test"))
        end = h(world.t)
        for as_of in (h(world.t / 3), h(world.t / 2), end, end + timedelta(days=30)):
            want = records_reference.assess(store, config, as_of=as_of)
            got = assess(store, config, as_of=as_of)
            assert got.to_json() == want.to_json(), as_of
        # The comparison is not between two empty reports.
        assert want.unmapped and any(f.items for f in want.anomalies)
        assert sum(len(f.items) for f in want.anomalies) >= 8 and want.coverage[0].total > 0
    cache.clear_memory()
