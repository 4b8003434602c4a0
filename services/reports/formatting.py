"""Numbers and months as readers of the report's language write them (babel): "1 234", "60 %",
"90 €", "1,5 h", "octobre 2026"."""

import copy
from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask_babel import gettext

from services import local_time
from services.reports.labels import EUROS, HOURS, MINUTES, SHARE

MISSING = "—"
MINUS = "\u2212"


def month_start(month: str) -> date:
    """The first day of a snapshot's month ("2026-10")."""
    year, number = month.split("-")
    return date(int(year), int(number), 1)


def previous_month(month: str) -> str:
    return local_time.previous_month(month_start(month)).strftime("%Y-%m")


def month_in_words(month: str, locale: str) -> str:
    """ "octobre 2026", "October 2026"."""
    return format_date(month_start(month), "LLLL y", locale=locale)


def month_name(month: str, locale: str) -> str:
    """ "septembre", "September"."""
    return format_date(month_start(month), "LLLL", locale=locale)


def short_month(month: str, locale: str) -> str:
    """ "oct. 26", "Oct 26": the months along a chart."""
    return format_date(month_start(month), "LLL yy", locale=locale)


def value_text(value, kind: str, locale: str) -> str:
    """A figure's value; "< 5" (a small count, kept private) and other texts stay as they are."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    if kind == SHARE:
        return format_percent(value, locale=locale, decimal_quantization=False)
    if kind == EUROS:
        return _whole_euros(value, locale)
    number = format_decimal(value, locale=locale)
    if kind == HOURS:
        return f"{number}\u00a0h"
    if kind == MINUTES:
        return f"{number}\u00a0min"
    return number


def change_text(change, kind: str, locale: str) -> str:
    """This month minus the previous one, signed; shares change by percentage points."""
    if change is None:
        return MISSING
    sign = "+" if change > 0 else MINUS if change < 0 else ""
    if kind == SHARE:
        points = format_decimal(round(abs(change) * 100, 1), locale=locale)
        return sign + gettext("%(points)s pts", points=points)
    return sign + value_text(abs(change), kind, locale)


def _whole_euros(value, locale: str) -> str:
    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern.apply(value, locale, currency="EUR", currency_digits=False)
