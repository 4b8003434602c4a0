"""The charts of a report, drawn on the server as SVG, so that the PDF and the console show the
same picture.

matplotlib's object API (a `Figure` of its own, never pyplot) draws without any display or
global state; text is written as paths, so a chart looks the same wherever it is shown,
whatever fonts are installed there. Each function answers an `<svg>` element sized for the
width of an A4 page, labelled in `locale` (a page may hold it as it is; the PDF takes it as an
image, services/reports/documents.py).
"""

import functools
import io
import math
import textwrap

from babel.numbers import format_decimal
from flask_babel import force_locale, gettext
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from services.reports.formatting import short_month, value_text
from services.reports.labels import FIGURES, SHARE

WIDTH_INCHES = 6.7  # 17 cm: an A4 page between its margins
FONT_SIZE = 8
INK, GRID, NO_REPORT = "#333333", "#dddddd", "#eeeeee"
COLOURS = ("#1f5f8b", "#e07a2e")
MEMBERS = ("members.total", "members.active")
EXCHANGES = ("lending.loans_started", "lending.help_done")


def _in_its_locale(draw):
    """The chart's words (series, legend) in `locale`, whatever the caller's language."""

    @functools.wraps(draw)
    def drawn(figures: dict, locale: str) -> str:
        with force_locale(locale):
            return draw(figures, locale)

    return drawn


@_in_its_locale
def members_trend(figures: dict, locale: str) -> str:
    """Members and active members over the 12 months ending with the report's, as lines."""
    figure, axes = _canvas(2.3)
    trend = figures["trend"]
    months = trend["months"]
    for path, colour in zip(MEMBERS, COLOURS, strict=True):
        axes.plot(
            range(len(months)),
            _numbers(trend.get(path), len(months)),
            color=colour,
            marker="o",
            markersize=3,
            linewidth=1.6,
            label=str(FIGURES[path][0]),
        )
    shaded = _without_report(axes, trend, MEMBERS)
    _months_along(axes, months, locale)
    _counts_up(axes, locale)
    _legend(axes, shaded)
    return _svg(figure)


@_in_its_locale
def exchanges_trend(figures: dict, locale: str) -> str:
    """Loans started and help given in each of the 12 months, as pairs of bars."""
    figure, axes = _canvas(2.3)
    trend = figures["trend"]
    months = trend["months"]
    for path, offset, colour in zip(EXCHANGES, (-0.2, 0.2), COLOURS, strict=True):
        axes.bar(
            [position + offset for position in range(len(months))],
            _numbers(trend.get(path), len(months)),
            width=0.38,
            color=colour,
            label=str(FIGURES[path][0]),
        )
    shaded = _without_report(axes, trend, EXCHANGES)
    _months_along(axes, months, locale)
    _counts_up(axes, locale)
    _legend(axes, shaded)
    return _svg(figure)


@_in_its_locale
def occupancy_by_space(figures: dict, locale: str) -> str:
    """The occupancy of each shared space in the month, as horizontal bars with their value."""
    spaces = figures["spaces"]["by_space"]
    figure, axes = _canvas(0.7 + 0.32 * len(spaces))
    shares = _numbers([space["occupancy"] for space in spaces], len(spaces))
    rows = range(len(spaces))
    axes.barh(rows, shares, height=0.6, color=COLOURS[0])
    # A `$` in a name would start one of matplotlib's formulas: it stays a dollar sign.
    names = [textwrap.fill(space["space"], 34).replace("$", r"\$") for space in spaces]
    axes.set_yticks(rows, names)
    axes.invert_yaxis()  # in the order of the list, top down
    widest = max((share for share in shares if not math.isnan(share)), default=0)
    axes.set_xlim(0, max(widest * 1.25, 0.1))
    for row, space in zip(rows, spaces, strict=True):
        axes.annotate(
            value_text(space["occupancy"], SHARE, locale),
            (0 if space["occupancy"] is None else space["occupancy"], row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=FONT_SIZE,
            color=INK,
        )
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda share, _: value_text(round(share, 3), SHARE, locale))
    )
    axes.grid(axis="x", color=GRID, linewidth=0.6)
    return _svg(figure)


def _canvas(height_inches: float):
    figure = Figure(figsize=(WIDTH_INCHES, height_inches), layout="constrained")
    axes = figure.add_subplot()
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(INK)
    axes.tick_params(labelsize=FONT_SIZE, colors=INK)
    return figure, axes


def _numbers(values: list | None, length: int) -> list[float]:
    """A month without a report (null) is a gap, not a zero."""
    values = values if values is not None else [None] * length
    return [math.nan if value is None else float(value) for value in values]


def _without_report(axes, trend: dict, paths: tuple[str, ...]) -> list[Patch]:
    """Shade the months without a report (their gaps and missing bars are not zeros); answer
    the legend's entry for them, if any."""
    series = [trend.get(path) or [None] * len(trend["months"]) for path in paths]
    missing = [
        position
        for position, values in enumerate(zip(*series, strict=True))
        if all(value is None for value in values)
    ]
    for position in missing:
        axes.axvspan(position - 0.5, position + 0.5, color=NO_REPORT, zorder=0)
    return [Patch(color=NO_REPORT, label=gettext("No report"))] if missing else []


def _months_along(axes, months: list[str], locale: str) -> None:
    axes.set_xticks(range(len(months)), [short_month(month, locale) for month in months])
    axes.set_xlim(-0.6, len(months) - 0.4)


def _counts_up(axes, locale: str) -> None:
    # From zero, and up to 1 at least: months without a report would leave no scale at all.
    axes.set_ylim(0, max(axes.get_ylim()[1], 1))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda count, _: format_decimal(count, locale=locale))
    )
    axes.grid(axis="y", color=GRID, linewidth=0.6)


def _legend(axes, shaded: list[Patch]) -> None:
    """Above the chart, the series first, then the shading of months without a report."""
    axes.legend(
        handles=axes.get_legend_handles_labels()[0] + shaded,
        loc="lower left",
        bbox_to_anchor=(0, 1.02),
        ncols=3,
        frameon=False,
        fontsize=FONT_SIZE,
        labelcolor=INK,
    )


def _svg(figure: Figure) -> str:
    output = io.StringIO()
    figure.savefig(output, format="svg", metadata={"Date": None})
    text = output.getvalue()
    return text[text.index("<svg") :]  # without the XML declaration and doctype
