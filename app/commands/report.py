"""``flowdeck report``: the metrics for a window, as JSON (INTERFACES.md) or readable tables.

Defaults: the window is the 28 days ending now (``--to`` defaults to now, ``--from`` to 28 days
before ``--to``); ``--as-of`` defaults to min(now, ``--to``). "Now" is the app's: the end of the
demo data on a demo store, else the clock (:func:`data.metrics.clock.store_now`). Dates are ISO 8601, UTC when no zone
is given; a bare date means 00:00 UTC of that day, so ``--to 2026-03-01`` ends *before* March 1st.

``--what-if STAGE.wait=F`` / ``STAGE.active=F`` (repeatable) adds each stream's future-state
projection (METRICS.md §5) beside its unchanged figures; ``--target-days`` sets the target it
measures against (default: ``[targets] requirement_lead_time_days``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.cli import UsageError
from app.commands.common import config_of, instant_arg, open_store, printable
from data.i18n import gettext_ as _
from data.i18n import ljust, ngettext, rjust, width
from data.report import vocabulary
from data.report.results import Report, StageResult

if TYPE_CHECKING:
    from data.metrics.whatif import Scenario
    from data.report.results import Report, StageResult, WhatIfResult

DEFAULT_DAYS = 28
DASH = "—"


def add_parser(subparsers: Any) -> None:
    """Register ``report``."""
    p = subparsers.add_parser(
        "report",
        help="print the value-stream, DORA and delivery figures for a window",
        description="Print the metrics for the window [--from, --to) as of --as-of "
        f"(default: the {DEFAULT_DAYS} days ending now). Dates are ISO 8601, UTC when no zone is given.",
    )
    p.add_argument("--from", dest="window_from", type=instant_arg, metavar="DATE", help="window start (inclusive)")
    p.add_argument(
        "--to", dest="window_to", type=instant_arg, metavar="DATE", help="window end (exclusive; default now)"
    )
    p.add_argument("--as-of", dest="as_of", type=instant_arg, metavar="INSTANT", help="look from this instant")
    p.add_argument("--stream", metavar="NAME", help="one value stream (default: every configured stream)")
    p.add_argument("--json", action="store_true", help="print the report JSON of INTERFACES.md")
    p.add_argument("--median", choices=("interpolated", "lower"), help="median method (default: the config's)")
    p.add_argument("--dora", choices=("2023", "2021"), help="DORA definitions (default: the config's)")
    p.add_argument(
        "--calendar",
        choices=("calendar", "working"),
        help="durations in calendar time or in the stream's working hours (default: the config's)",
    )
    p.add_argument(
        "--what-if",
        dest="what_if",
        action="append",
        metavar="STAGE.PART=F",
        help="future state: scale a stage's wait or active time by F ≥ 0 (0 removes it), e.g. "
        "'Release.wait=0.5'; repeat for more stages",
    )
    p.add_argument(
        "--target-days",
        dest="target_days",
        type=target_days_arg,
        metavar="N",
        help="target lead time for --what-if's share within target (default: the config's [targets])",
    )
    p.set_defaults(func=run)


def target_days_arg(value: str) -> float:
    """argparse type for ``--target-days``: a finite number of days > 0."""
    try:
        days = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {value!r}") from None
    if not (math.isfinite(days) and days > 0):
        raise argparse.ArgumentTypeError(f"expected a number of days > 0, got {value!r}")
    return days


def scenario_of(args: argparse.Namespace, streams: list[Any]) -> Scenario | None:
    """The ``--what-if`` scenario checked against every stream the report shows (UsageError: exit 2)."""
    from data.metrics.whatif import ScenarioError, check_stages, parse_scenario

    if not args.what_if:
        if args.target_days is not None:
            raise UsageError("--target-days applies to --what-if; give a scenario too")
        return None
    try:
        scenario = parse_scenario(args.what_if)
        for st in streams:
            check_stages(scenario, st.name, [stage.name for stage in st.stages])
    except ScenarioError as exc:
        raise UsageError(str(exc)) from None
    return scenario


def run(args: argparse.Namespace) -> int:
    """Build and print the report."""
    from data.report.build import build_report

    config = config_of(args)
    _check_window(args.window_from, args.window_to)  # before the store is opened (created) at all
    if args.stream is not None:
        config.stream(args.stream)  # unknown stream: ConfigError names the configured ones (exit 2)
    shown = [config.stream(args.stream)] if args.stream is not None else list(config.streams)
    scenario = scenario_of(args, shown or [config.stream(None)])
    definitions = config.definitions
    if args.median:
        definitions = replace(definitions, median=args.median)
    if args.dora:
        definitions = replace(definitions, dora=args.dora)
    if args.calendar:
        definitions = replace(definitions, calendar=args.calendar)
    store = open_store(args)
    try:
        # "Now" as the app has it: the demo's end on a demo store, else the clock.
        from data.metrics.clock import store_now

        window_to = args.window_to or store_now(store)
        window_from = args.window_from or (window_to - timedelta(days=DEFAULT_DAYS))
        _check_window(window_from, window_to)
        report = build_report(
            store,
            config,
            window_from=window_from,
            window_to=window_to,
            as_of=args.as_of,
            stream=args.stream,
            definitions=definitions,
            details=False,
            what_if=scenario,
            target_days=args.target_days,
        )
    finally:
        store.close()
    if args.json:
        json.dump(report.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(report))
    return 0


def _check_window(window_from: datetime | None, window_to: datetime | None) -> None:
    if window_from is not None and window_to is not None and window_from >= window_to:
        raise UsageError(f"--from {window_from.isoformat()} must be before --to {window_to.isoformat()}")


# --- readable tables ------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f} %"


def _hours(value: float | None) -> str:
    """Hours under two days, days above (with the unit)."""
    if value is None:
        return DASH
    return _("{0} h").format(f"{value:.1f}") if abs(value) < 48 else _("{0} d").format(f"{value / 24:.1f}")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    rows = [[printable(c) for c in r] for r in rows]  # stream, stage and bottleneck names are not ours
    # Display widths, not len(): a Chinese heading takes two terminal columns per character.
    widths = [max(width(h), *(width(r[i]) for r in rows)) if rows else width(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        # First column (names) left-aligned, numbers right-aligned.
        return "  ".join(
            ljust(c, w) if i == 0 else rjust(c, w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out) + "\n"


def _stage_row(s: StageResult) -> list[str]:
    return [
        s.name + ("" if s.kind == "status" else f" ({_word(s.kind)})"),
        str(s.items),
        _hours(s.wait_median_h),
        _hours(s.wait_p85_h),
        _hours(s.active_median_h),
        _hours(s.active_p85_h),
        _hours(s.wait_total_h),
        _hours(s.active_total_h),
        str(s.wip),
        _hours(s.wip_age_median_h),
        _pct(s.complete_accurate),
    ]


def _word(value: Any) -> str:
    """A definition or stage-kind keyword in words of the chosen language (unknown ones as they are)."""
    words = {
        "interpolated": _("interpolated"),
        "lower": _("lower"),
        "calendar": _("calendar"),
        "working": _("working"),
        "job": _("job"),
        "deployment": _("deployment"),
    }
    return words.get(str(value), str(value))


def _tier(tier: str | None) -> str:
    """A DORA tier in words of the chosen language (JSON keeps the English key)."""
    names = {"elite": _("elite"), "high": _("high"), "medium": _("medium"), "low": _("low")}
    return DASH if not tier else names.get(tier, tier)


def _what_if_text(lead_median: float | None, lead_p85: float | None, efficiency: float | None, w: WhatIfResult) -> str:
    """The what-if block of one stream: the scenario, then now and projected side by side."""
    scenario = ", ".join(f"{key} × {value:g}" for key, value in w.scenario)
    target = _("{0} d").format(f"{w.target_days:g}")
    out = ["\n" + _("What-if: {scenario}").format(scenario=scenario) + "\n"]
    out.append(
        _table(
            [_("figure"), _("now"), _("projected")],
            [
                [_("lead median"), _hours(lead_median), _hours(w.lead_time_median_h)],
                [_("lead p85"), _hours(lead_p85), _hours(w.lead_time_p85_h)],
                [_("flow eff."), _pct(efficiency), _pct(w.flow_efficiency)],
                [
                    _("within {target}").format(target=target),
                    _pct(w.within_target_share_now),
                    _pct(w.within_target_share),
                ],
            ],
        )
    )
    out.append(ngettext("over {n} completed item", "over {n} completed items", w.items).format(n=w.items) + "\n")
    for key in w.not_modelled:
        out.append(
            _(
                "Note: {part} is a pipeline stage, measured per run rather than per item: "
                "it changes no item's lead time."
            ).format(part=key)
            + "\n"
        )
    return "".join(out)


def _missing(report: Report, stream: str, kinds: tuple[str, ...]) -> list[str]:
    """Why figures of ``stream`` are empty: one line per missing kind of record among ``kinds``."""
    from data.report.figures import MISSING

    have = report.notes.get("missing", {}).get(stream, ())
    return [_("Note: {warning}").format(warning=_(MISSING[k])) + "\n" for k in kinds if k in have]


def render_text(report: Report) -> str:
    """The report as aligned tables (durations in hours or days, "—" for no data)."""
    parts: list[str] = []
    if report.notes.get("demo"):
        parts.append(_("DEMO DATA — a synthetic organisation, not your delivery.") + "\n")
    d = report.definitions
    parts.append(
        _("Window  {start} – {end} UTC (to excluded), as of {as_of} UTC").format(
            start=f"{report.window_from:%Y-%m-%d %H:%M}",
            end=f"{report.window_to:%Y-%m-%d %H:%M}",
            as_of=f"{report.as_of:%Y-%m-%d %H:%M}",
        )
        + "\n"
        + _("Definitions  median: {median}, DORA: {dora}, calendar: {calendar}").format(
            median=_word(d.get("median")), dora=d.get("dora"), calendar=_word(d.get("calendar"))
        )
        + "\n"
    )
    for s in report.streams:
        parts.append("\n" + _("Stream: {name}").format(name=printable(s.name)) + "\n")
        parts.extend(_missing(report, s.name, ("work_items",)))
        parts.append(
            _table(
                [
                    _("completed"),
                    _("lead median"),
                    _("lead p85"),
                    _("cycle median"),
                    _("flow eff."),
                    _("per week"),
                    _("WIP"),
                    _("bottleneck"),
                    _("rolled %C&A"),
                ],
                [
                    [
                        str(s.completed),
                        _hours(s.lead_time_median_h),
                        _hours(s.lead_time_p85_h),
                        _hours(s.cycle_time_median_h),
                        _pct(s.flow_efficiency),
                        _num(s.throughput_per_week),
                        str(s.wip),
                        s.bottleneck or DASH,
                        _pct(s.rolled_complete_accurate),
                    ]
                ],
            )
        )
        parts.append("\n")
        parts.append(
            _table(
                [
                    _("stage"),
                    _("items"),
                    _("wait med"),
                    _("wait p85"),
                    _("active med"),
                    _("active p85"),
                    _("wait total"),
                    _("active total"),
                    _("WIP"),
                    _("WIP age"),
                    _("%C&A"),
                ],
                [_stage_row(st) for st in s.stages],
            )
        )
        if s.what_if is not None:
            parts.append(_what_if_text(s.lead_time_median_h, s.lead_time_p85_h, s.flow_efficiency, s.what_if))
    dora = report.dora
    parts.append(
        "\n"
        + _("DORA ({year})  stream: {stream}").format(year=d.get("dora"), stream=report.notes.get("dora_stream", DASH))
        + "\n"
    )
    parts.extend(_missing(report, report.notes.get("dora_stream", ""), ("deployments", "changes")))
    if len(report.streams) > 1:
        parts.append(
            _(
                "(DORA and continuous-delivery figures describe the first stream, {stream}, "
                "only; use --stream NAME for another.)"
            ).format(stream=report.notes.get("dora_stream"))
            + "\n"
        )
    t = dora.tiers
    recovery = dora.time_to_restore_median_h if d.get("dora") == "2021" else dora.recovery_time_median_h
    recovery_key = "time_to_restore" if d.get("dora") == "2021" else "recovery_time"

    def median_of(key: str) -> str:
        return _("{name} (median)").format(name=vocabulary.name(key))

    parts.append(
        _table(
            [_("key"), _("value"), _("tier")],
            [
                [_("deployments"), str(dora.deployments), DASH],
                [vocabulary.name("deployments_per_week"), _num(dora.deployments_per_week), DASH],
                [
                    median_of("deploy_days_per_week"),
                    _num(dora.deploy_days_per_week_median),
                    _tier(t.get("deployment_frequency")),
                ],
                [
                    median_of("lead_time_for_changes"),
                    _hours(dora.lead_time_for_changes_median_h),
                    _tier(t.get("lead_time_for_changes")),
                ],
                [
                    vocabulary.name("change_failure_rate"),
                    _pct(dora.change_failure_rate),
                    _tier(t.get("change_failure_rate")),
                ],
                [median_of(recovery_key), _hours(recovery), _tier(t.get("recovery_time"))],
            ],
        )
    )
    parts_h = dora.lead_time_parts_median_h
    if parts_h:
        parts.append(
            _("Lead-time parts (medians): {parts}").format(
                parts=", ".join(f"{k} {_hours(v)}" for k, v in parts_h.items())
            )
            + "  "
            + ngettext("over {n} deployed change", "over {n} deployed changes", dora.changes_deployed).format(
                n=dora.changes_deployed
            )
            + "\n"
        )
    dl = report.delivery
    targets = report.notes.get("targets", {})
    parts.append("\n" + _("Continuous delivery") + "\n")
    parts.append(
        _table(
            [_("figure"), _("value"), _("target")],
            [
                [
                    vocabulary.name("production_deployment_success_rate"),
                    _pct(dl.production_deployment_success_rate),
                    _pct(targets.get("production_deployment_success_rate")),
                ],
                [vocabulary.name("releases_per_week"), _num(dl.releases_per_week), DASH],
                [
                    median_of("release_gap"),
                    DASH
                    if dl.release_gap_median_days is None
                    else _("{0} d").format(f"{dl.release_gap_median_days:.1f}"),
                    DASH,
                ],
                [
                    median_of("requirement_lead_time"),
                    _hours(dl.requirement_lead_time_median_h),
                    DASH
                    if targets.get("requirement_lead_time_days") is None
                    else "≤ " + _("{0} d").format(f"{targets['requirement_lead_time_days']:g}"),
                ],
                [
                    "  " + _("requirements without a linked deployment"),
                    _("{n} of {total}").format(n=dl.requirement_lead_time_unlinked, total=dl.requirements_completed),
                    DASH,
                ],
                [median_of("delivery_time"), _hours(dl.delivery_time_median_h), DASH],
            ],
        )
    )
    # Each figure named once and defined where it is shown (the same words as the app and the PDF).
    defined = ("ticket_lead_time", "requirement_lead_time", "delivery_time", "lead_time_for_changes", "release_gap")
    parts.append("\n" + "\n".join(f"{vocabulary.name(k)}: {vocabulary.definition(k)}" for k in defined) + "\n")
    parts.append(
        "\n".join(vocabulary.note(n) for n in (vocabulary.DEPLOYMENT_COUNTS, vocabulary.SUCCESS_VS_FAILURE)) + "\n"
    )
    excluded = {k: v for k, v in report.notes.get("excluded", {}).items() if v}
    if excluded:
        parts.append(
            "\n"
            + _("Excluded by decision: {listed}").format(
                listed=", ".join(f"{v} {k.replace('_', ' ')}(s)" for k, v in excluded.items())
            )
            + "\n"
        )
    if report.notes.get("measure_from"):
        measured = ", ".join(f"{k}: {v}" for k, v in report.notes["measure_from"].items())
        parts.append(_("Measured from: {streams}").format(streams=measured) + "\n")
    if report.notes.get("calendar"):
        parts.append(_("Durations in {calendar}").format(calendar=report.notes["calendar"]) + "\n")
    for warning in report.notes.get("calendar_warnings", ()):
        parts.append(_("Note: {warning}").format(warning=warning) + "\n")
    return "".join(parts)
