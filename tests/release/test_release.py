"""Release reports for known deployments: exactly their PRs, tickets, jobs (approval wait) and incidents."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.cli import main
from data.release.build import latest_production_deployment, release_report
from data.release.results import EXACT, SINCE_PREVIOUS
from data.store.store import Store
from tests.helpers.release import RECORDS, config


@pytest.fixture
def store(store_url: str) -> Store:
    s = Store.open(store_url)
    s.upsert(RECORDS)  # type: ignore[arg-type]
    return s


def test_exact_release_lists_its_prs_tickets_jobs_and_incidents(store: Store) -> None:
    r = release_report(store, config(), ("ci", "bank/mobile", "p1"))
    assert r.method == EXACT and r.previous is None
    assert [(c.id, c.tickets) for c in r.changes] == [("1", ("PAY-1",)), ("2", ("PAY-2",))]
    # Lead time: first commit 0.5 h -> p1 finished 11 h = 10.5 h; #2 created 2 h -> 9 h.
    assert [c.lead_time_h for c in r.changes] == [pytest.approx(10.5), pytest.approx(9.0)]
    assert all(c.first_deployed_here for c in r.changes)
    # PAY-1: created 0 h; the first production deployment carrying a linked change is p1 (PR 0's
    # p0 finished before PAY-1 existed) -> 11 h. PAY-2: created -10 h -> p1 at 11 h = 21 h.
    assert [(t.key, t.requirement_lead_time_h) for t in r.tickets] == [
        ("PAY-1", pytest.approx(11.0)),
        ("PAY-2", pytest.approx(21.0)),
    ]
    assert [c.sha for c in r.commits] == ["m2"]
    p = r.pipeline
    assert p is not None and (p.pipeline, p.id) == ("mobile-release", "7")
    approve = next(j for j in p.jobs if j.name == "approve-prod")
    assert approve.queue_s == pytest.approx(900)
    assert approve.approval_wait_s == pytest.approx(9000)
    assert approve.active_s == pytest.approx(2.6 * 3600 - 9000)
    assert [j.name for j in p.jobs] == ["build", "approve-prod", "deploy-prod"]
    assert [(n.key, n.recovery_h) for n in r.incidents] == [("INC-1", pytest.approx(3.0))]


def test_release_without_range_uses_changes_since_previous_deployment(store: Store) -> None:
    r = release_report(store, config(), ("ci", "bank/mobile", "p2"))
    assert r.method == SINCE_PREVIOUS
    assert r.previous is not None and r.previous.id == "p1"
    # PR 4 targets release/1, not main: a different branch is not carried.
    assert [c.id for c in r.changes] == ["3"]
    assert r.changes[0].lead_time_h == pytest.approx(21.0)  # created 20 h -> p2 finished 41 h
    assert r.pipeline is None  # no run for sha m3
    assert r.incidents == ()
    assert "previous successful production deployment" in r.method_text


def test_latest_and_bad_requests(store: Store) -> None:
    assert latest_production_deployment(store, config()).id == "p2"
    with pytest.raises(LookupError, match="no deployment bank/mobile#nope"):
        release_report(store, config(), ("ci", "bank/mobile", "nope"))
    with pytest.raises(ValueError, match="not production"):
        release_report(store, config(), ("ci", "bank/mobile", "s1"))


def test_csv_is_neutralised_and_pdf_is_valid(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    # qapp: the command would create a bare QGuiApplication, which a later widget test in the same
    # process could not use; a QApplication serves both.
    out_csv, out_pdf = tmp_path / "r.csv", tmp_path / "r.pdf"
    code = main(["--db", store.url, "release", "ci:bank/mobile:p1", "--csv", str(out_csv), "--pdf", str(out_pdf)])
    assert code == 0
    text = capsys.readouterr().out
    assert "exact: the deployment's commit range is known" in text
    assert "approve-prod" in text and "2.5 h" in text  # the approval wait
    rows = list(csv.reader(out_csv.open(encoding="utf-8")))
    assert rows[0][0] == "section"
    by_key = {r[2]: r for r in rows[1:]}
    assert by_key["bank/mobile#2"][3] == '\'=HYPERLINK("http://evil")'  # neutralised formula
    assert by_key["PAY-2"][3] == "<b>x</b>"
    assert [r[0] for r in rows[1:]].count("job") == 3
    assert out_pdf.read_bytes().startswith(b"%PDF")


def test_pdf_html_escapes_remote_text(store: Store) -> None:
    from app.commands.release import report_html

    doc = report_html(release_report(store, config(), ("ci", "bank/mobile", "p1")))
    assert "&lt;b&gt;x&lt;/b&gt;" in doc and "<b>x</b>" not in doc


@pytest.mark.parametrize(
    ("arg", "code", "message"),
    [
        ("bank/mobile:p1", 2, "SOURCE:REPO:ID"),
        ("ci:bank/mobile:s1", 2, "not production"),
        ("ci:bank/x:p1", 1, "no deployment"),
    ],
)
def test_cli_bad_deployment(
    store: Store, capsys: pytest.CaptureFixture[str], arg: str, code: int, message: str
) -> None:
    assert main(["--db", store.url, "release", arg]) == code
    assert message in capsys.readouterr().err


def test_cli_latest_json(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["--db", store.url, "release", "latest", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["deployment"]["id"] == "p2" and doc["method"] == "since_previous_deployment"
    assert [c["key"] for c in doc["changes"]] == ["bank/mobile#3"]
