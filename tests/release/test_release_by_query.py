"""#14: the query-based release report gives exactly what the record-by-record one gave.

On random stores (the materialisation tests' random organisation, with deployments with and
without commit ranges, branches, exclusions and incidents) every production deployment's report is
built both ways: the JSON documents must be equal, as must the latest deployment.
"""

from __future__ import annotations

import pytest

from data.config.parse import parse_config
from data.materialise import cache
from data.records import Change, Commit, Deployment, Exclusion, Incident, JobRun, PipelineRun
from data.release.build import latest_production_deployment, release_report
from data.store.store import Store
from tests.helpers.metrics import h
from tests.helpers.world import STREAM, World
from tests.release import records_reference


def _unranged() -> list[object]:
    """A repository whose deployments carry no commit range (linked by time), on two branches."""
    out: list[object] = []
    for n in range(8):
        branch = "main" if n % 3 else "release"
        out.append(
            Change(
                "github",
                "bank/mobile-web",
                f"w{n}",
                f"PAY-{n + 1} web",
                h(10 * n),
                merged_at=h(10 * n + 2),
                merge_sha=f"w{n}",
                base=branch,
                first_commit_at=h(10 * n - 1),
            )
        )
        out.append(Commit("github", "bank/mobile-web", f"w{n}", f"Merge PAY-{n + 2}"))
        if n % 2:
            start = h(10 * n + 5)
            status = "failure" if n == 5 else "success"
            out.append(
                Deployment("jenkins", "bank/mobile-web", f"wd{n}", "prod", status, sha=f"w{n}", ref=branch,
                           started_at=start, finished_at=start + (h(1) - h(0)))
            )  # fmt: skip
            # The run that shipped it: under way at its start, same sha; with its jobs.
            out.append(PipelineRun("gh", "web", f"pr{n}", sha=f"w{n}", started_at=h(10 * n + 4),
                                   finished_at=h(10 * n + 7), result="success"))  # fmt: skip
            out.append(JobRun("gh", "web", f"pr{n}", "1", "deploy", queued_at=h(10 * n + 4),
                              started_at=h(10 * n + 4.5), finished_at=h(10 * n + 6), result="success"))  # fmt: skip
    out.append(Incident("jira", "INC-web", h(37), repo="bank/mobile-web"))
    out.append(Incident("jira", "INC-any", h(58)))
    return out


@pytest.mark.parametrize("seed", [3, 5])
def test_release_by_query_equals_the_record_by_record_report(store_url: str, seed: int) -> None:
    stream = dict(STREAM, repos=["bank/mobile", "bank/mobile-web"])
    config = parse_config({"streams": [stream]}, "test.toml")
    world = World(seed=seed)
    cache.clear_memory()
    with Store.open(store_url) as store:
        store.upsert([r for _ in range(8) for r in world.new_item() + world.move()])
        for _ in range(80):
            store.upsert(world.page())
        store.upsert(_unranged())
        with store.writer() as w:
            w.add_exclusion(Exclusion("deployment", "jenkins", "bank/mobile-web#wd3", "test"))
            w.add_exclusion(Exclusion("change", "github", "bank/mobile-web#w4", "test"))
        assert latest_production_deployment(store, config) == records_reference.latest_production_deployment(
            store, config
        )
        prod = [d for d in store.deployments() if d.environment == "prod" and d.finished_at is not None]
        assert len(prod) >= 5
        shown = 0
        for d in prod:
            key = (d.source, d.repo, d.id)
            want = records_reference.release_report(store, config, key)
            got = release_report(store, config, key)
            assert got.to_json() == want.to_json(), key
            shown += len(want.changes) + len(want.tickets) + len(want.incidents)
        assert shown > 5  # not a comparison of empty reports
    cache.clear_memory()
