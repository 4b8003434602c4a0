"""A monthly report as documents for the landlord's staff, in French or English: CSV (one row
a figure) and PDF (A4, with charts). Its JSON is the snapshot's figures themselves.

Both are built from the figures dict alone (services/reports/figures.py), which names nobody.
"""

import base64
import csv
import io
from pathlib import Path

from flask_babel import force_locale, gettext, lazy_gettext
from jinja2 import Environment, FileSystemLoader

from services.csv_export import csv_safe
from services.pdf import html_to_pdf
from services.reports.formatting import (
    change_text,
    month_in_words,
    month_name,
    previous_month,
    value_text,
)
from services.reports.labels import COUNT, EUROS, FIGURES, LISTS, SECTIONS, SHARE, figures_of

CSV_COLUMNS = ("section", "figure", "label", "value", "change")

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"), autoescape=True
)

# The figures of the first page: (label, dotted paths added together, kind).
HEADLINES = (
    (FIGURES["members.total"][0], ("members.total",), COUNT),
    (FIGURES["members.active"][0], ("members.active",), COUNT),
    (FIGURES["members.households_reached"][0], ("members.households_reached",), SHARE),
    (lazy_gettext("Loans and help"), ("lending.loans_started", "lending.help_done"), COUNT),
    (FIGURES["lending.money_saved_eur"][0], ("lending.money_saved_eur",), EUROS),
    (lazy_gettext("Occupancy of shared spaces"), ("spaces.occupancy",), SHARE),
)

TEXTS = {
    "title": lazy_gettext("Monthly report"),
    "all_residences": lazy_gettext("All the landlord's residences"),
    "members_trend": lazy_gettext("Members over twelve months"),
    "exchanges_trend": lazy_gettext("Loans and help over twelve months"),
    "occupancy": lazy_gettext("Occupancy of each shared space"),
    "no_space": lazy_gettext("No shared space."),
    "figure": lazy_gettext("Figure"),
    "value": lazy_gettext("This month"),
    "page": lazy_gettext("Page"),
    "privacy": lazy_gettext(
        "No person is named in this report. In a building, a count under 5 is shown as “< 5”."
    ),
    "change": lazy_gettext(
        "Change: this month's figure minus the previous month's (shares in percentage points); "
        "— where a month has no report."
    ),
}


def report_file(figures: dict, kind: str, locale: str) -> tuple[bytes | str, str, str]:
    """A report as a file to download: its body, media type and file name."""
    scope = figures["scope"]
    name = f"palier-{scope['month']}-{scope['kind']}-{scope['id']}.{kind}"
    if kind == "csv":
        return report_csv(figures, locale), "text/csv", name
    return report_pdf(figures, locale), "application/pdf", name


def report_csv(figures: dict, locale: str) -> str:
    """One row a figure: its section and label in `locale`, its dotted path, its value and its
    change on the previous month as stored (numbers with a decimal point, shares in 0..1, empty
    when null); then one row a figure of each building and each space. Formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    with force_locale(locale):
        for row in _csv_rows(figures):
            writer.writerow([csv_safe("" if cell is None else cell) for cell in row])
    return buffer.getvalue()


def _csv_rows(figures: dict):
    for section, title in SECTIONS.items():
        for figure in figures_of(figures, section):
            yield str(title), figure.path, figure.label, figure.value, figure.change
        if section in LISTS:
            key, columns = LISTS[section]
            name, *counts = columns
            for item in figures.get(section, {}).get(key, []):
                for column in counts:
                    label = f"{item[name]} — {columns[column][0]}"
                    yield str(title), f"{section}.{key}.{column}", label, item.get(column), None


def report_pdf(figures: dict, locale: str) -> bytes:
    """The report as an A4 PDF: the residence or landlord and the month, the headline figures,
    charts (members and exchanges over twelve months, occupancy of each space), then every
    section's figures with their change on the previous month."""
    with force_locale(locale):
        html = TEMPLATES.get_template("report.html").render(**report_page(figures, locale))
    return html_to_pdf(html)


def report_page(figures: dict, locale: str) -> dict:
    """What a report shows, for the PDF and the console alike."""
    # matplotlib on first use, like WeasyPrint (services/pdf.py): most processes never draw.
    from services.reports import charts

    scope = figures["scope"]
    before = month_name(previous_month(scope["month"]), locale)
    return {
        "locale": locale,
        "texts": {name: str(text) for name, text in TEXTS.items()},
        "name": scope["name"],
        "landlord": scope["landlord"] if scope["kind"] == "residence" else None,
        "month": month_in_words(scope["month"], locale),
        "definitions": gettext(
            "Figures as defined in version %(version)s, months in the time zone %(zone)s.",
            version=figures["definitions_version"],
            zone=scope["time_zone"],
        ),
        "change_header": gettext("Change since %(month)s", month=before),
        "headlines": [_headline(figures, *headline, before, locale) for headline in HEADLINES],
        "members_trend": _image(charts.members_trend(figures, locale)),
        "exchanges_trend": _image(charts.exchanges_trend(figures, locale)),
        "occupancy": (
            _image(charts.occupancy_by_space(figures, locale))
            if figures["spaces"]["by_space"]
            else None
        ),
        "sections": [_section(figures, section, locale) for section in SECTIONS],
    }


def _headline(figures: dict, label, paths, kind, before: str, locale: str) -> dict:
    values = [_at(figures, path) for path in paths]
    changes = [(figures.get("changes") or {}).get(path) for path in paths]
    value = None if None in values else sum(values)
    change = None if None in changes else sum(changes)
    since = ""
    if change is not None:
        since = gettext(
            "%(change)s since %(month)s", change=change_text(change, kind, locale), month=before
        )
    return {"label": str(label), "value": value_text(value, kind, locale), "change": since}


def _section(figures: dict, section: str, locale: str) -> dict:
    rows = [
        (
            figure.label,
            value_text(figure.value, figure.kind, locale),
            change_text(figure.change, figure.kind, locale),
        )
        for figure in figures_of(figures, section)
    ]
    table = None
    if section in LISTS:
        key, columns = LISTS[section]
        items = figures.get(section, {}).get(key, [])
        if items:
            table = {
                "header": [str(label) for label, _ in columns.values()],
                "rows": [
                    [
                        item[column] if kind is None else value_text(item.get(column), kind, locale)
                        for column, (_, kind) in columns.items()
                    ]
                    for item in items
                ],
            }
    return {"title": str(SECTIONS[section]), "rows": rows, "table": table}


def _image(svg: str) -> str:
    """A chart as the address of an image: WeasyPrint draws an SVG image as the vectors it is,
    where it would read the style of each element of an inline one as HTML's (and warn)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _at(figures: dict, path: str):
    value = figures
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value
