"""Language choice and the gettext side of i18n: ``--lang``, the system locale, CLI tables in Chinese,
the ``flowdeck`` catalogue (complete, compiled, in sync with the code), and nothing Chinese in English."""

from __future__ import annotations

import ast
import gettext
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.cli import main
from data import i18n
from data.store.store import Store
from tests.helpers.needs import need_tool

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "resources" / "translations" / "zh_CN" / "LC_MESSAGES" / "flowdeck.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
DEMO_END = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """Every test leaves the process in English, as the rest of the suite expects."""
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from data.demo import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('i18n') / 'demo.db'}"
    with Store.open(url) as store:
        generate(store, end=DEMO_END)
    return url


def _parse_po(path: Path) -> list[tuple[str, str | None, list[str]]]:
    """(msgid, msgid_plural, msgstrs) of every entry but the header."""
    entries: list[tuple[str, str | None, list[str]]] = []
    cur: dict[str, str] = {}
    key = ""

    def flush() -> None:
        if cur.get("msgid"):
            strs = [v for k, v in sorted(cur.items()) if k.startswith("msgstr")]
            entries.append((cur["msgid"], cur.get("msgid_plural"), strs))
        cur.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
            continue
        m = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line)
        if m:
            key = m.group(1)
            cur[key] = ast.literal_eval(m.group(2))
        elif line.startswith('"'):
            cur[key] += ast.literal_eval(line)
    flush()
    return entries


# --- language choice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "want"),
    [("zh_CN", "zh_CN"), ("zh-CN", "zh_CN"), ("zh_CN.UTF-8", "zh_CN"), ("zh", "zh_CN"), ("zh_Hans", "zh_CN"),
     ("en", "en"), ("en_GB.UTF-8", "en"), ("C", "en"), ("POSIX", "en"), ("C.UTF-8", "en")],
)  # fmt: skip
def test_normalise(value: str, want: str) -> None:
    assert i18n.normalise(value) == want


def test_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"'fr_FR' is not available; choose from en, zh_CN"):
        i18n.normalise("fr_FR")


@pytest.mark.parametrize(
    ("env", "want"),
    [({"LANG": "zh_CN.UTF-8"}, "zh_CN"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"), ({"LANG": "fr_FR.UTF-8"}, "en"),
     ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh_CN"), ({"LANGUAGE": "en:zh", "LANG": "zh_CN"}, "en")],
)  # fmt: skip
def test_system_language_only_switches_for_chinese(monkeypatch, env: dict[str, str], want: str) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert i18n.system_language() == want


def test_bad_lang_option_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--lang", "klingon", "report"])
    assert exc.value.code == 2
    assert "'klingon' is not available" in capsys.readouterr().err


def test_gettext_plural_forms() -> None:
    i18n.set_language("en")
    one = i18n.ngettext("over {n} deployed change", "over {n} deployed changes", 1).format(n=1)
    five = i18n.ngettext("over {n} deployed change", "over {n} deployed changes", 5).format(n=5)
    assert (one, five) == ("over 1 deployed change", "over 5 deployed changes")
    i18n.set_language("zh_CN")
    msg = ("over {n} deployed change", "over {n} deployed changes")
    assert i18n.ngettext(*msg, 1).format(n=1) == "基于 1 个已部署的变更"
    assert i18n.ngettext(*msg, 5).format(n=5) == "基于 5 个已部署的变更"


def test_display_width_counts_cjk_twice() -> None:
    assert i18n.width("WIP") == 3
    assert i18n.width("在制品") == 6
    assert i18n.width("累计 %C&A") == 9
    assert i18n.ljust("阶段", 6) == "阶段  " and i18n.rjust("7", 3) == "  7"


# --- the CLI ------------------------------------------------------------------------------------


def test_report_in_chinese_has_chinese_headings_and_aligned_columns(demo_url: str, capsys) -> None:
    assert main(["--db", demo_url, "--lang", "zh_CN", "report", "--to", "2026-03-02"]) == 0
    out = capsys.readouterr().out
    for heading in ("演示数据", "时间窗口", "价值流：", "持续交付", "生产部署成功率", "需求交付前置时间（中位数）",
                    "变更失败率", "在制品", "瓶颈", "流动效率"):  # fmt: skip
        assert heading in out, heading
    for english in ("Continuous delivery", "Stream:", "lead median", "deployments per week", "Window "):
        assert english not in out, english
    assert " 天" in out and " 小时" in out  # units translated
    # The stage table's rows line up in display columns even with double-width headings.
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("阶段"))
    widths = {i18n.width(line) for line in lines[head + 1 : head + 4]}
    assert len(widths) == 1, lines[head : head + 4]


def test_report_in_english_shows_no_chinese(demo_url: str, capsys) -> None:
    assert main(["--db", demo_url, "--lang", "en", "report", "--to", "2026-03-02"]) == 0
    out = capsys.readouterr().out
    assert "Continuous delivery" in out and "Stream: " in out
    assert CJK.search(out) is None, CJK.findall(out)[:10]


def test_quality_and_maturity_in_chinese(demo_url: str, capsys) -> None:
    assert main(["--db", demo_url, "--lang", "zh_CN", "quality", "--as-of", "2026-03-02"]) == 0
    out = capsys.readouterr().out
    assert "的数据质量" in out and "覆盖率" in out and "异常" in out and "同一工单编号出现在两个数据源中" in out
    assert "Coverage" not in out and "Anomalies" not in out
    assert main(["--db", demo_url, "--lang", "zh_CN", "quality", "--to", "2026-03-02", "--maturity"]) == 0
    out = capsys.readouterr().out
    assert "仅供自评参考" in out and "部署质量" in out and "Self-assessment" not in out


def test_json_stays_machine_readable_in_chinese(demo_url: str, capsys) -> None:
    """Keys, tiers and definitions in the JSON are identifiers, whatever the language."""
    import json

    assert main(["--db", demo_url, "--lang", "zh_CN", "report", "--to", "2026-03-02", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["definitions"]["median"] == "interpolated"
    assert set(doc["dora"]["tiers"].values()) <= {"elite", "high", "medium", "low", None}


# --- the catalogue ------------------------------------------------------------------------------


def test_po_catalogue_is_complete_and_the_mo_matches_it() -> None:
    entries = _parse_po(PO)
    assert len(entries) > 100
    unfinished = [mid for mid, _pl, strs in entries if not all(strs)]
    assert unfinished == []
    assert "fuzzy" not in PO.read_text(encoding="utf-8")
    with MO.open("rb") as f:
        mo = gettext.GNUTranslations(f)
    for mid, plural, strs in entries:
        if plural is None:
            assert mo.gettext(mid) == strs[0], mid
        else:
            assert mo.ngettext(mid, plural, 2) == strs[0], mid
        # Placeholders survive translation (a lost {name} would raise or drop data at run time).
        assert set(re.findall(r"\{[^}]*\}", mid)) == set(re.findall(r"\{[^}]*\}", strs[0])), mid


def test_every_gettext_string_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    xgettext = need_tool("xgettext", "Debian package gettext")
    files = sorted(
        str(p.relative_to(ROOT))
        for p in [*ROOT.glob("data/**/*.py"), *ROOT.glob("app/commands/*.py")]
        if "migrations" not in p.parts
    )
    pot = tmp_path / "flowdeck.pot"
    subprocess.run(
        [xgettext, "--language=Python", "--from-code=UTF-8", "--keyword=_", "--keyword=N_", "--keyword=gettext_",
         "--keyword=ngettext:1,2", "-o", str(pot), *files],
        cwd=ROOT, check=True,
    )  # fmt: skip
    in_code = {mid for mid, _pl, _s in _parse_po(pot)}
    in_catalogue = {mid for mid, _pl, _s in _parse_po(PO)}
    assert in_code - in_catalogue == set(), "run the gettext steps of docs/i18n.md"
