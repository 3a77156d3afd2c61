"""``flowdeck quality``: can the numbers be trusted? Data quality, or (``--maturity``) the CAICT view.

Without ``--json`` the findings print as readable tables (the first items of each, all with
``--all``); ``--json`` prints the whole document (keys in docs/trust.md). ``--maturity`` prints
the continuous-delivery maturity self-assessment aid for the window ``[--from, --to)`` (default:
the 13 weeks ending now) beside the DORA tiers. Without ``--maturity`` the same window is the one
of the "completed, never in production" check (default: the 13 weeks ending at ``--as-of``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from app.cli import UsageError
from app.commands.common import config_of, instant_arg, open_store, printable
from data.i18n import gettext_ as _
from data.i18n import ljust, ngettext, width
from data.timeutil import utc_now

if TYPE_CHECKING:
    from data.quality.results import FindingItem, QualityReport

DASH = "—"
SHOWN = 10
MATURITY_DAYS = 91


def add_parser(subparsers: Any) -> None:
    """Register ``quality``."""
    p = subparsers.add_parser(
        "quality",
        help="data quality: sync gaps, link coverage, unmapped statuses, anomalies (or --maturity)",
        description="Check what the numbers rest on: per-source sync state and gaps, how much could be "
        "linked, time in statuses no stage maps, and anomalies, each with the records behind it.",
    )
    p.add_argument("--stream", metavar="NAME", help="value stream (default: the first configured)")
    p.add_argument("--as-of", dest="as_of", type=instant_arg, metavar="INSTANT", help="look from this instant")
    p.add_argument("--json", action="store_true", help="print the JSON document (docs/trust.md)")
    p.add_argument("--all", action="store_true", help=f"list every item (default: the first {SHOWN} per finding)")
    p.add_argument(
        "--maturity",
        action="store_true",
        help="print the CAICT continuous-delivery maturity self-assessment aid instead",
    )
    p.add_argument(
        "--from",
        dest="window_from",
        type=instant_arg,
        metavar="DATE",
        help="window start of --maturity, or of the 'completed, never in production' check (default: --to - 13 weeks)",
    )
    p.add_argument(
        "--to", dest="window_to", type=instant_arg, metavar="DATE", help="window end (excl.; default --as-of)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Assess and print."""
    config = config_of(args)
    config.stream(args.stream)  # unknown stream: ConfigError naming the configured ones (exit 2)
    store = open_store(args)
    try:
        if args.maturity:
            from data.maturity.build import assess_maturity
            from data.metrics.clock import store_now

            window_to = args.window_to or store_now(store)  # the demo's end on a demo store, as in the app
            window_from = args.window_from or window_to - timedelta(days=MATURITY_DAYS)
            if window_from >= window_to:
                raise UsageError(f"--from {window_from.isoformat()} must be before --to {window_to.isoformat()}")
            view = assess_maturity(
                store, config, window_from=window_from, window_to=window_to, stream=args.stream, as_of=args.as_of
            )
            if args.json:
                _dump(view.to_json())
            else:
                sys.stdout.write(render_maturity(view))
            return 0
        from data.quality.checks import assess

        window_to = args.window_to or args.as_of or utc_now()
        window_from = args.window_from or window_to - timedelta(days=MATURITY_DAYS)
        if window_from >= window_to:
            raise UsageError(f"--from {window_from.isoformat()} must be before --to {window_to.isoformat()}")
        report = assess(
            store, config, stream=args.stream, as_of=args.as_of, window_from=window_from, window_to=window_to
        )
    finally:
        store.close()
    if args.json:
        _dump(report.to_json())
    else:
        sys.stdout.write(render_text(report, limit=None if args.all else SHOWN))
    return 0


def _dump(doc: dict[str, Any]) -> None:
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


# --- readable output -------------------------------------------------------------------------------


def _table(headers: list[str], rows: list[list[str]]) -> str:
    rows = [[printable(c) for c in r] for r in rows]
    widths = [max(width(h), *(width(r[i]) for r in rows)) if rows else width(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(ljust(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]) + "\n"


def _oneline(text: str) -> str:
    """Remote text on one line, without control characters (a title with a newline must not forge a
    table row, one with an escape sequence must not clear the screen)."""
    return printable(text)


def _items(items: tuple[FindingItem, ...], limit: int | None) -> str:
    shown = items if limit is None else items[:limit]
    out = "".join(f"    {_oneline(i.source)}  {_oneline(i.key)}  {_oneline(i.detail)}\n" for i in shown)
    if len(shown) < len(items):
        out += "    " + _("… and {n} more (--all or --json lists them)").format(n=len(items) - len(shown)) + "\n"
    return out


def _when(value: Any) -> str:
    return DASH if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def render_text(q: QualityReport, *, limit: int | None = SHOWN) -> str:
    """The quality report as readable tables; each finding followed by its items."""
    parts = [
        _("Data quality of stream {stream}, as of {as_of}").format(stream=repr(q.stream), as_of=_when(q.as_of)) + "\n",
        _("Measured from: {baseline}").format(
            baseline=_when(q.measure_from) if q.measure_from else _("all history (no measure_from baseline)")
        )
        + "\n",
        "\n" + _("Sources") + "\n",
        _table(
            [
                _("source"),
                _("configured"),
                _("last success"),
                _("last error"),
                _("records"),
                _("per week"),
                _("gaps"),
                _("stale"),
            ],
            [
                [
                    s.source,
                    _("yes") if s.configured else _("no (data only)"),
                    _when(s.last_success_at),
                    _oneline(s.last_error or DASH)[:60],
                    str(s.records),
                    DASH if s.weekly_median is None else f"{s.weekly_median:g}",
                    ", ".join(f"{g.week_from:%Y-%m-%d} +{g.weeks} wk" for g in s.gaps) or DASH,
                    _("STALE") if s.stale else "",
                ]
                for s in q.sources
            ],
        ),
        "\n" + _("Coverage") + "\n",
    ]
    for c in q.coverage:
        share = DASH if c.share is None else f"{c.share * 100:.1f} %"
        parts.append(
            "  "
            + _("{title}: {covered} of {total} ({share})").format(
                title=_(c.title), covered=c.covered, total=c.total, share=share
            )
            + "\n"
        )
        if c.missing:
            parts.append(_items(c.missing, limit))
    parts.append("\n" + _("Time in statuses that no stage maps") + "\n")
    if not q.unmapped:
        parts.append("  " + _("none") + "\n")
    for u in q.unmapped:
        parts.append(
            "  "
            + ngettext("{status}: {hours} h over {n} item", "{status}: {hours} h over {n} items", u.item_count).format(
                status=_oneline(u.status), hours=f"{u.hours:.1f}", n=u.item_count
            )
            + "\n"
        )
        parts.append(_items(u.items, limit))
    unlinked = q.unlinked
    if unlinked is not None:
        parts.append("\n" + _("Completed, never in production") + "\n")
        parts.append(
            "  "
            + _(
                "{count} of {completed} completed items ({share}) never reached production: no linked deployment"
            ).format(
                count=unlinked.count,
                completed=unlinked.completed,
                share=DASH if unlinked.share is None else f"{unlinked.share * 100:.0f} %",
            )
            + " "
            + _("(completed {start} – {end})").format(start=_when(unlinked.window_from), end=_when(unlinked.window_to))
            + "\n"
        )
        if unlinked.items:
            parts.append(_items(unlinked.items, limit))
    parts.append("\n" + _("Anomalies") + "\n")
    for f in q.anomalies:
        parts.append(f"  {_(f.title)}: {f.count}\n")
        if f.items:
            parts.append(_items(f.items, limit))
    parts.append("\n" + _("Exclusions in force") + "\n")
    if not q.exclusions:
        parts.append("  " + _("none") + "\n")
    for e in q.exclusions:
        parts.append(
            f"  {e.kind}  {_oneline(e.source)}  {_oneline(e.key)}  — {_oneline(e.reason)} ({_when(e.created_at)})\n"
        )
    return "".join(parts)


def render_maturity(view: Any) -> str:
    """The maturity view as a table, with the caveat first and the DORA tiers beside it."""
    parts = [
        f"{view.caveat}\n\n",
        _("Window {start} – {end} UTC (to excluded), as of {as_of}, stream {stream}").format(
            start=f"{view.window_from:%Y-%m-%d}",
            end=f"{view.window_to:%Y-%m-%d}",
            as_of=_when(view.as_of),
            stream=repr(view.stream),
        )
        + "\n\n",
        _table(
            [_("area"), _("level"), _("evidence")],
            [[f"{r.title} ({r.title_zh})", DASH if r.level is None else str(r.level), r.evidence] for r in view.rows],
        ),
        "\n"
        + _("DORA tiers (same window): ")
        + ", ".join(f"{k.replace('_', ' ')} {v or DASH}" for k, v in view.dora_tiers.items())
        + "\n",
    ]
    return "".join(parts)
