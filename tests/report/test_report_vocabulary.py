"""`flowdeck report` names each figure as the app does and defines the lead times where it shows them (#15)."""

from __future__ import annotations

from app.commands.report import render_text
from data import i18n
from data.report import vocabulary
from tests.helpers import samples


def test_readable_report_uses_the_vocabulary_and_defines_the_lead_times() -> None:
    out = render_text(samples.report())
    for key in ("requirement_lead_time", "delivery_time", "lead_time_for_changes", "release_gap"):
        assert f"{vocabulary.name(key)} (median)" in out, key
    for key in ("ticket_lead_time", "requirement_lead_time", "delivery_time", "lead_time_for_changes"):
        assert f"{vocabulary.name(key)}: {vocabulary.definition(key)}" in out, key
    assert vocabulary.note(vocabulary.DEPLOYMENT_COUNTS) in out
    assert vocabulary.note(vocabulary.SUCCESS_VS_FAILURE) in out
    assert "Production deployment success rate" in out and "Releases per week" in out
    assert "lead time for changes (median)" not in out  # the old, second name


def test_readable_report_in_chinese() -> None:
    try:
        i18n.set_language("zh_CN")
        out = render_text(samples.report())
        assert "需求交付前置时间（中位数）" in out and "变更前置时间（中位数）" in out
        assert "工单前置时间：" not in out  # the definition lines keep ": " after the name
        assert f"工单前置时间: {vocabulary.definition('ticket_lead_time')}" in out
    finally:
        i18n.set_language("en")
