"""``flowdeck forecast (--items N | --by DATE)``: Monte Carlo forecasts from recent throughput.

``--items N``: the dates by which N more items are done with 50/85/95 % likelihood; ``--by DATE``:
how many items are done from today to that date (inclusive) at those likelihoods. From the daily
throughput of the last ``--weeks`` weeks (default 12; working days when the working calendar is on),
``--runs`` runs (default 10,000), seeded (``--seed``, default 1). Also: the chance that an item
starting today is done within the target (``--target-days``, default ``[targets]``).

Too little history is said, not forecast: exit 0, the reason in the text, null percentiles and a
``reason`` in the JSON. Bad options exit 2. Definitions: METRICS.md §5, docs/metrics.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from app.cli import UsageError
from app.commands.common import config_of, instant_arg, open_store
from app.commands.report import target_days_arg
from data.i18n import gettext_ as _
from data.i18n import ngettext

if TYPE_CHECKING:
    from data.metrics.forecast import ForecastResult

#: Bounds that keep one forecast well under a second and its memory small.
MAX_RUNS = 1_000_000
MAX_WEEKS = 520


def _positive(limit: int, what: str) -> Any:
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if not 1 <= n <= limit:
            raise argparse.ArgumentTypeError(f"{what} must be from 1 to {limit:,}, got {n}")
        return n

    return parse


def _seed(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"a seed is 0 or more, got {n}")
    return n


def add_parser(subparsers: Any) -> None:
    """Register ``forecast`` (the defaults are data.metrics.forecast's, which the parser does not
    import: numpy is for the commands that compute)."""
    p = subparsers.add_parser(
        "forecast",
        help="when N items will be done, or how many by a date (Monte Carlo from recent throughput)",
        description="Forecast from the daily throughput of the last --weeks weeks: --items N gives the dates by "
        "which N more items are done with 50/85/95 %% likelihood, --by DATE the number of items done by then "
        "(that day included). Dates are ISO 8601, UTC when no zone is given.",
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--items", type=_positive(10_000_000, "--items"), metavar="N", help="how many more items")
    what.add_argument("--by", type=instant_arg, metavar="DATE", help="a date: items done from today up to that day")
    p.add_argument("--as-of", dest="as_of", type=instant_arg, metavar="INSTANT", help="look from this instant")
    p.add_argument(
        "--weeks",
        type=_positive(MAX_WEEKS, "--weeks"),
        metavar="K",
        help="weeks of history (default 12)",
    )
    p.add_argument(
        "--runs",
        type=_positive(MAX_RUNS, "--runs"),
        metavar="R",
        help="Monte Carlo runs (default 10,000)",
    )
    p.add_argument("--seed", type=_seed, metavar="S", help="random seed (default 1)")
    p.add_argument("--stream", metavar="NAME", help="value stream (default: the first configured)")
    p.add_argument(
        "--target-days",
        dest="target_days",
        type=target_days_arg,
        metavar="N",
        help="target for the chance that an item starting today is done in time (default: the config's [targets])",
    )
    p.add_argument(
        "--calendar",
        choices=("calendar", "working"),
        help="calendar days, or the working days of the stream's calendar (default: the config's)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (INTERFACES.md)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the forecast."""
    from data.report.forecast import forecast

    config = config_of(args)
    config.stream(args.stream)  # unknown stream (or none configured): ConfigError, exit 2
    definitions = config.definitions
    if args.calendar:
        definitions = replace(definitions, calendar=args.calendar)
    knobs = {k: getattr(args, k) for k in ("weeks", "runs", "seed") if getattr(args, k) is not None}
    store = open_store(args)
    try:
        result = forecast(
            store,
            config,
            items=args.items,
            by=None if args.by is None else args.by.date(),
            as_of=args.as_of,
            stream=args.stream,
            target_days=args.target_days,
            definitions=definitions,
            **knobs,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(result))
    return 0


def render_text(r: ForecastResult) -> str:
    """The forecast in words."""
    lines = [
        _("Forecast for stream {stream}, as of {as_of} UTC").format(stream=r.stream, as_of=f"{r.as_of:%Y-%m-%d %H:%M}"),
    ]
    unit = _("working days") if r.working_days else _("days")
    if r.history_days:
        lines.append(
            _(
                "History: {days} {unit} with data, {first} – {last} (last {weeks} weeks); {runs} runs, seed {seed}"
            ).format(
                days=r.history_days,
                unit=unit,
                first=r.history_from,
                last=r.history_to,
                weeks=r.weeks,
                runs=f"{r.runs:,}",
                seed=r.seed,
            )
        )
    if r.reason:
        lines.append(_("Not forecast: {reason}").format(reason=r.reason))
    elif r.items is not None:
        lines.append(ngettext("{n} more item done by:", "{n} more items done by:", r.items).format(n=r.items))
        lines.extend(
            _("  {likelihood} likely: {date}").format(likelihood=f"{int(p * 100)} %", date=d)
            for p, d in ((0.5, r.p50), (0.85, r.p85), (0.95, r.p95))
        )
    else:
        lines.append(_("Items done from {start} to {by}:").format(start=r.start, by=r.by))
        lines.extend(
            _("  {likelihood} likely: at least {n}").format(likelihood=f"{int(p * 100)} %", n=n)
            for p, n in ((0.5, r.p50), (0.85, r.p85), (0.95, r.p95))
        )
    t = r.target
    if t is not None:
        target = _("{0} d").format(f"{t.target_days:g}")
        if t.probability is None:
            lines.append(_("Target {target}: not forecast: {reason}").format(target=target, reason=t.reason))
        else:
            lines.append(
                _(
                    "Chance that an item starting today is done within {target}: {chance} "
                    "(each stage's time drawn from {n} items completed in the history)"
                ).format(target=target, chance=f"{t.probability * 100:.1f} %", n=t.items)
            )
    return "\n".join(lines) + "\n"
