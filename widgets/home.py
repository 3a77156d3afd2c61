"""The home page: the delivery story since a baseline, on the first screen.

For each headline figure (:class:`data.report.results.Headline`): its value in the baseline and
now, the change, the target and whether it is met (in words, with a shape, on colour-blind-safe
colours), the DORA tier, and a sparkline of its weekly values. Three cards on top tell the story
in one look: requirement lead time, release cadence, production deployment success rate.

The baseline is a period the user picks (the first 4 or 8 weeks of the data, or two dates); the
page says it with :attr:`HomePage.baseline_changed`, and the window remembers the choice
(:meth:`HomePage.baseline_choice`). "Compare in detail…" asks for the Compare page with the same two
periods (:attr:`HomePage.compare_requested`). Names and definitions come from
:mod:`data.report.vocabulary`: each name has its definition as tooltip and a "?" that shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from data.report import vocabulary
from data.report.results import Headline, HeadlineFigure
from widgets.comparison import change_text
from widgets.figure_text import MET_COLOURS, HelpButton, fmt_figure, fmt_target, met_mark
from widgets.format import TIER_COLOURS, fmt_day_month
from widgets.i18n import QT_TRANSLATE_NOOP, translate
from widgets.scorecard import tier_text
from widgets.time_range import local_midnight

__all__ = ["BASELINE_PRESETS", "HomePage", "Sparkline", "baseline_dates"]

# (settings value, title): the baseline choices; "custom" keeps two dates.
BASELINE_PRESETS = (
    ("first4", QT_TRANSLATE_NOOP("Home", "First 4 weeks of the data")),
    ("first8", QT_TRANSLATE_NOOP("Home", "First 8 weeks of the data")),
    ("custom", QT_TRANSLATE_NOOP("Home", "Custom")),
)
# The story cards: (vocabulary key of the card, the figures on it).
CARDS = (
    ("requirement_lead_time", ("requirement_lead_time",)),
    ("release_cadence", ("release_gap", "releases_per_week")),
    ("production_deployment_success_rate", ("production_deployment_success_rate",)),
)
DELIVERY = ("requirement_lead_time", "delivery_time", "release_gap", "releases_per_week",
            "production_deployment_success_rate")  # fmt: skip


def baseline_dates(choice: str, first: date | None) -> tuple[date, date] | None:
    """The first and last local day of a baseline choice (``first4``, ``first8``, ``custom:A:B``);
    None for a preset before the data's first day is known, or an unreadable choice."""
    if choice in ("first4", "first8"):
        if first is None:
            return None
        weeks = 4 if choice == "first4" else 8
        return first, first + timedelta(weeks=weeks, days=-1)
    if choice.startswith("custom:"):
        try:
            a, b = (date.fromisoformat(part) for part in choice.split(":")[1:3])
        except ValueError:
            return None
        return (a, b) if a <= b else None
    return None


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _label(text: str = "", *, bold: bool = False, scale: float = 1.0, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if bold or scale != 1.0:
        f = label.font()
        f.setBold(bold)
        f.setPointSizeF(f.pointSizeF() * scale)
        label.setFont(f)
    return label


def _badge(text: str, colour: str | None) -> QLabel:
    label = _label(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    if colour:
        # Black on the light Okabe-Ito colours reads in both themes (contrast ≥ 4.5:1).
        label.setStyleSheet(f"background:{colour}; color:#000; border-radius:4px; padding:1px 6px; font-weight:bold;")
    else:
        label.setStyleSheet("border:1px solid palette(mid); border-radius:4px; padding:1px 6px;")
    return label


def _met_badge(met: bool | None) -> QLabel:
    return _badge(met_mark(met), None if met is None else MET_COLOURS[met])


def _tier_badge(figure: HeadlineFigure) -> QLabel:
    now = tier_text(figure.now_tier)
    text = now
    if figure.baseline_tier and figure.baseline_tier != figure.now_tier:
        text = translate("Home", "{before} → {after}").format(before=tier_text(figure.baseline_tier), after=now)
    badge = _badge(text, TIER_COLOURS.get(figure.now_tier or ""))
    badge.setToolTip(translate("Home", "DORA tier in the baseline → now"))
    return badge


class Sparkline(QWidget):
    """A small line of weekly values: the baseline and "now" weeks shaded, the target dashed.

    A week without data is skipped (the line joins its neighbours; it is not drawn as 0). Colours
    come from the palette (both themes); the shading is secondary: the numbers beside it carry the
    meaning.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: tuple[float | None, ...] = ()
        self.target: float | None = None
        self.baseline_weeks: tuple[int, int] = (0, 0)
        self.now_weeks: tuple[int, int] = (0, 0)
        self.setMinimumSize(110, 30)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        """Wide and low."""
        return QSize(180, 32)

    def set_values(
        self,
        values: Sequence[float | None],
        *,
        target: float | None = None,
        baseline_weeks: tuple[int, int] = (0, 0),
        now_weeks: tuple[int, int] = (0, 0),
    ) -> None:
        """The weekly values, the target line (None: none) and the week ranges ``[i, j)`` to shade."""
        self.values = tuple(values)
        self.target = target
        self.baseline_weeks, self.now_weeks = baseline_weeks, now_weeks
        self.update()

    def points(self) -> list[QPointF | None]:
        """Where each week's value is drawn (None: no value), for painting and tests."""
        known = [v for v in self.values if v is not None]
        if not known:
            return [None] * len(self.values)
        lo, hi = min(known), max(known)
        if self.target is not None:
            lo, hi = min(lo, self.target), max(hi, self.target)
        span = (hi - lo) or 1.0
        r = QRectF(self.rect()).adjusted(3, 4, -4, -4)
        step = r.width() / max(1, len(self.values) - 1)
        return [
            None if v is None else QPointF(r.left() + i * step, r.bottom() - (v - lo) / span * r.height())
            for i, v in enumerate(self.values)
        ]

    def _y(self, value: float) -> float:
        known = [v for v in self.values if v is not None] + [value]
        lo, hi = min(known), max(known)
        r = QRectF(self.rect()).adjusted(3, 4, -4, -4)
        return r.bottom() - (value - lo) / ((hi - lo) or 1.0) * r.height()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Shading, target, line, last point."""
        n = len(self.values)
        if n == 0:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        step = (self.width() - 7) / max(1, n - 1)
        for (a, b), colour in ((self.baseline_weeks, "#56B4E9"), (self.now_weeks, "#009E73")):
            if b > a:
                shade = QColor(colour)
                shade.setAlpha(50)
                left = max(0.0, 3 + (a - 0.5) * step)
                right = min(float(self.width()), 3 + (b - 0.5) * step)
                p.fillRect(QRectF(left, 0, right - left, self.height()), shade)
        pts = self.points()
        if self.target is not None and any(pt is not None for pt in pts):
            pen = QPen(pal.color(QPalette.ColorRole.Mid), 1, Qt.PenStyle.DashLine)
            p.setPen(pen)
            y = self._y(self.target)
            p.drawLine(QPointF(0, y), QPointF(self.width(), y))
        known = [pt for pt in pts if pt is not None]
        if known:
            path = QPainterPath(known[0])
            for pt in known[1:]:
                path.lineTo(pt)
            p.setPen(QPen(pal.color(QPalette.ColorRole.WindowText), 1.6))
            p.drawPath(path)
            # The latest value gets a dot (a single value is then a dot, not nothing).
            p.setBrush(pal.color(QPalette.ColorRole.WindowText))
            p.drawEllipse(known[-1], 2.4, 2.4)
        p.end()


class _Card(QFrame):
    """One part of the story: a figure (or two) from the baseline to now, with its target."""

    def __init__(self, title_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.key = title_key
        self.title = _label(vocabulary.name(title_key), bold=True)
        self.title.setToolTip(vocabulary.definition(title_key))
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        layout.addStretch(1)

    def set_figures(self, figures: Sequence[HeadlineFigure]) -> None:
        """Show each figure as ``baseline → now`` with its target and mark."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        several = len(figures) > 1
        for i, f in enumerate(figures):
            text = translate("Home", "{before} → {after}").format(
                before=fmt_figure(f.unit, f.baseline), after=fmt_figure(f.unit, f.now)
            )
            if several:
                text = translate("Home", "{name}: {values}").format(name=vocabulary.name(f.key), values=text)
            value = _label(text, bold=True, scale=1.0 if several else 1.45)
            value.setObjectName("homeStory")
            value.setToolTip(_reasons(f))
            self.grid.addWidget(value, 3 * i, 0, 1, 2)
            target = _label(translate("Home", "target {target}").format(target=fmt_target(f.target, f.unit)))
            self.grid.addWidget(target, 3 * i + 1, 0)
            self.grid.addWidget(_met_badge(f.met), 3 * i + 1, 1, Qt.AlignmentFlag.AlignLeft)
            why = _reasons(f)
            if why:
                reason = _label(why, wrap=True, scale=0.9)
                reason.setObjectName("homeReason")
                self.grid.addWidget(reason, 3 * i + 2, 0, 1, 2)
        self.grid.setColumnStretch(1, 1)


def _reasons(f: HeadlineFigure) -> str:
    """Why a value is missing, for its tooltip ("" when both are there)."""
    parts = []
    if f.baseline is None and f.baseline_reason:
        parts.append(translate("Home", "Baseline: {reason}").format(reason=f.baseline_reason))
    if f.now is None and f.now_reason:
        parts.append(translate("Home", "Now: {reason}").format(reason=f.now_reason))
    return "\n".join(parts)


class HomePage(QWidget):
    """The story since the baseline: three cards, then every headline figure with its weekly line.

    Signals:
        baseline_changed(object, object): the baseline's UTC ``[from, to)`` (a choice, or the data's span).
        compare_requested(object, object): ``(from, to)`` of the baseline and of now, for the Compare page.
    """

    baseline_changed = Signal(object, object)
    compare_requested = Signal(object, object)

    COLUMNS = (
        QT_TRANSLATE_NOOP("Home", "Figure"),
        QT_TRANSLATE_NOOP("Home", "Baseline"),
        QT_TRANSLATE_NOOP("Home", "Now"),
        QT_TRANSLATE_NOOP("Home", "Change"),
        QT_TRANSLATE_NOOP("Home", "Target"),
        QT_TRANSLATE_NOOP("Home", "Target met?"),
        QT_TRANSLATE_NOOP("Home", "DORA tier"),
        QT_TRANSLATE_NOOP("Home", "Every week"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline: Headline | None = None
        self._first: date | None = None
        self._choice = "first4"
        self.title = _label(translate("Home", "Since the baseline"), bold=True, scale=1.3)
        self.periods = _label(translate("Home", "Computing the story…"), wrap=True)
        self.periods.setObjectName("homePeriods")

        self.preset = QComboBox(self)
        self.preset.addItems([translate("Home", title) for _v, title in BASELINE_PRESETS])
        self.preset.setToolTip(translate("Home", "The period the figures are compared with; remembered."))
        self.edits = [QDateEdit(self), QDateEdit(self)]
        for e in self.edits:
            e.setCalendarPopup(True)
            e.setDisplayFormat("yyyy-MM-dd")
            e.setEnabled(False)
        self.apply = QPushButton(translate("Home", "Use these dates"), self)
        self.apply.setEnabled(False)
        self.compare = QPushButton(translate("Home", "Compare in detail…"), self)
        self.compare.setToolTip(translate("Home", "Every figure of the two periods side by side, on the Compare page."))
        self.compare.setEnabled(False)

        controls = QHBoxLayout()
        controls.addWidget(_label(translate("Home", "Baseline")))
        controls.addWidget(self.preset)
        controls.addWidget(self.edits[0])
        controls.addWidget(_label("–"))
        controls.addWidget(self.edits[1])
        controls.addWidget(self.apply)
        controls.addStretch(1)
        controls.addWidget(self.compare)

        self.cards = [_Card(key, self) for key, _figures in CARDS]
        cards = QHBoxLayout()
        for card in self.cards:
            cards.addWidget(card, 1)

        self.legend = _label(
            translate(
                "Home",
                "Every week: one point per week, as known now; shaded: the baseline (blue) and now (green) weeks; "
                "dashed: the target. Hover a name for its definition, or press its “?”.",
            ),
            wrap=True,
            scale=0.9,
        )
        self.legend.setVisible(False)
        self.table = QWidget(self)
        self.grid = QGridLayout(self.table)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(4)
        self.grid.setContentsMargins(0, 6, 0, 0)

        content = QWidget(self)
        layout = QVBoxLayout(content)
        layout.addWidget(self.title)
        layout.addWidget(self.periods)
        layout.addLayout(controls)
        layout.addLayout(cards)
        layout.addWidget(self.table)
        layout.addWidget(self.legend)
        layout.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)

        self.help: dict[str, HelpButton] = {}
        self.sparklines: dict[str, Sparkline] = {}
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.apply.clicked.connect(self._apply_custom)
        self.compare.clicked.connect(self._compare)

    # -- the baseline --

    def baseline_choice(self) -> str:
        """The choice to remember: ``first4``, ``first8`` or ``custom:YYYY-MM-DD:YYYY-MM-DD``."""
        return self._choice

    def set_baseline_choice(self, choice: str) -> None:
        """Restore a remembered choice (an unreadable one falls back to the first 4 weeks)."""
        if not (choice in ("first4", "first8") or baseline_dates(choice, None) is not None):
            choice = "first4"
        self._choice = choice
        index = next(i for i, (v, _t) in enumerate(BASELINE_PRESETS) if choice.startswith(v))
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(index)
        self.preset.blockSignals(False)
        self._show_dates()

    def set_data_span(self, first: date, _last: date | None = None) -> None:
        """The first local day of the data: the presets start there. Emits :attr:`baseline_changed`."""
        self._first = first
        self._show_dates()
        self._emit_baseline()

    def baseline_period(self) -> tuple[datetime, datetime] | None:
        """The baseline as UTC ``[from, to)`` (its last day is inclusive on screen); None before the data."""
        days = baseline_dates(self._choice, self._first)
        if days is None:
            return None
        return local_midnight(days[0]), local_midnight(days[1] + timedelta(days=1))

    def _show_dates(self) -> None:
        custom = self._choice.startswith("custom")
        for e in self.edits:
            e.setEnabled(custom)
        self.apply.setEnabled(custom)
        days = baseline_dates(self._choice, self._first)
        if days is not None:
            for e, d in zip(self.edits, days, strict=True):
                e.setDate(_qdate(d))

    def _preset_changed(self, index: int) -> None:
        value = BASELINE_PRESETS[index][0]
        if value == "custom":
            start, end = (_pydate(e.date()) for e in self.edits)
            self._choice = f"custom:{start.isoformat()}:{end.isoformat()}"
            self._show_dates()
            return  # wait for "Use these dates"
        self._choice = value
        self._show_dates()
        self._emit_baseline()

    def _apply_custom(self) -> None:
        start, end = (_pydate(e.date()) for e in self.edits)
        if end < start:
            self.periods.setText(translate("Home", "The baseline must end on or after its first day."))
            return
        self._choice = f"custom:{start.isoformat()}:{end.isoformat()}"
        self._emit_baseline()

    def _emit_baseline(self) -> None:
        period = self.baseline_period()
        if period is not None:
            self.periods.setText(translate("Home", "Computing the story…"))
            self.baseline_changed.emit(*period)

    def _compare(self) -> None:
        h = self.headline
        if h is not None:
            self.compare_requested.emit((h.baseline_from, h.baseline_to), (h.now_from, h.now_to))

    # -- the figures --

    def set_headline(self, headline: Headline | None) -> None:
        """Show ``headline`` (None: nothing to show yet)."""
        self.headline = headline
        self.compare.setEnabled(headline is not None)
        self.legend.setVisible(headline is not None)
        self._clear_table()
        if headline is None:
            self.periods.setText(translate("Home", "No data to tell a story from yet."))
            return
        last_day = headline.baseline_to - timedelta(days=1)
        now_last = headline.now_to - timedelta(days=1)
        self.periods.setText(
            translate(
                "Home",
                "Baseline {b0} – {b1} · now {n0} – {n1}, a period as long as the baseline ending as of {as_of} "
                "· stream {stream}",
            ).format(
                b0=fmt_day_month(headline.baseline_from),
                b1=fmt_day_month(last_day),
                n0=fmt_day_month(headline.now_from),
                n1=fmt_day_month(now_last),
                as_of=fmt_day_month(headline.as_of),
                stream=headline.stream,
            )
        )
        for card, (_key, keys) in zip(self.cards, CARDS, strict=True):
            card.set_figures([f for k in keys if (f := headline.figure(k)) is not None])
        self._fill_table(headline)

    def _clear_table(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.help, self.sparklines = {}, {}

    def _fill_table(self, headline: Headline) -> None:
        for c, title in enumerate(self.COLUMNS):
            head = _label(translate("Home", title), bold=True)
            if c in (1, 2, 3):
                head.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(head, 0, c)
        weeks = headline.week_starts
        baseline_weeks = _week_range(weeks, headline.baseline_from, headline.baseline_to)
        now_weeks = _week_range(weeks, headline.now_from, headline.now_to)
        row = 1
        groups = (
            (translate("Home", "Continuous delivery"), [f for f in headline.figures if f.key in DELIVERY]),
            (translate("Home", "DORA keys"), [f for f in headline.figures if f.key not in DELIVERY]),
        )
        for group, figures in groups:
            heading = _label(group, bold=True, scale=1.1)
            self.grid.addWidget(heading, row, 0, 1, len(self.COLUMNS))
            row += 1
            for f in figures:
                row = self._figure_row(f, row, baseline_weeks, now_weeks)
        self.grid.setColumnStretch(len(self.COLUMNS) - 1, 1)

    def _figure_row(
        self, f: HeadlineFigure, row: int, baseline_weeks: tuple[int, int], now_weeks: tuple[int, int]
    ) -> int:
        term = vocabulary.term(f.key)
        name = _label(term.name)
        name.setToolTip(term.definition)
        definition = _label(term.definition, wrap=True)
        definition.setObjectName("homeDefinition")
        help_button = HelpButton(term.name, definition)
        self.help[f.key] = help_button
        cell = QHBoxLayout()
        cell.setSpacing(4)
        cell.addWidget(name)
        cell.addWidget(help_button)
        cell.addStretch(1)
        self.grid.addLayout(cell, row, 0)
        shown = (fmt_figure(f.unit, f.baseline), fmt_figure(f.unit, f.now))
        for c, text in ((1, shown[0]), (2, shown[1])):
            value = _label(text, bold=c == 2)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            reason = f.baseline_reason if c == 1 else f.now_reason
            if reason:
                value.setToolTip(reason)
            self.grid.addWidget(value, row, c)
        change = _label(change_text(f.baseline, f.now, f.lower_is_better, shown))
        change.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.grid.addWidget(change, row, 3)
        target = _label(fmt_target(f.target, f.unit))
        if f.target is not None:
            target.setToolTip(
                translate("Home", "From [targets] in flowdeck.toml")
                if f.target.source == "config"
                else translate("Home", "Flowdeck's default target (docs/app.md)")
            )
        self.grid.addWidget(target, row, 4)
        self.grid.addWidget(_met_badge(f.met), row, 5)
        if f.now_tier or f.baseline_tier:
            self.grid.addWidget(_tier_badge(f), row, 6)
        spark = Sparkline(self.table)
        spark.set_values(
            f.weekly,
            target=f.target.value if f.target is not None and f.target.kind != "tier" else None,
            baseline_weeks=baseline_weeks,
            now_weeks=now_weeks,
        )
        spark.setToolTip(_spark_tip(f, self.headline))
        self.sparklines[f.key] = spark
        self.grid.addWidget(spark, row, 7)
        self.grid.addWidget(definition, row + 1, 0, 1, len(self.COLUMNS))
        return row + 2

    def texts(self) -> list[str]:
        """Every text shown on the page (tests, the PDF)."""
        return [w.text() for w in self.findChildren(QLabel) if w.isVisibleTo(self) and w.text()]


def _week_range(weeks: Sequence[datetime], start: datetime, end: datetime) -> tuple[int, int]:
    """Indices ``[i, j)`` of the weeks that overlap ``[start, end)``."""
    idx = [i for i, w in enumerate(weeks) if w < end and w + timedelta(days=7) > start]
    return (idx[0], idx[-1] + 1) if idx else (0, 0)


def _spark_tip(f: HeadlineFigure, headline: Headline | None) -> str:
    """The weekly line in words: its span and its first and last values."""
    known = [(i, v) for i, v in enumerate(f.weekly) if v is not None]
    if headline is None or not known or not headline.week_starts:
        return translate("Home", "No weekly values")
    (i0, v0), (i1, v1) = known[0], known[-1]
    return translate("Home", "Weekly from {first} to {last}: {start} → {end}").format(
        first=fmt_day_month(headline.week_starts[i0]),
        last=fmt_day_month(headline.week_starts[i1]),
        start=fmt_figure(f.unit, v0),
        end=fmt_figure(f.unit, v1),
    )
