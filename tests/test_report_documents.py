"""A monthly report's outputs: CSV, PDF, and the e-mail that carries the PDF to the landlord's
report recipients, through a real SMTP server on 127.0.0.1 (aiosmtpd).

The PDF is read as its recipients would: its text with pypdf, its pages rendered to PNG with
poppler's pdftoppm and looked at (not blank)."""

import csv
import email
import io
import logging
import subprocess
from email import policy

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app import jobs
from models import Landlord, MonthlyReport, db
from notifications.mail import mail
from services.reports import snapshots
from services.reports.documents import report_csv, report_pdf
from services.reports.formatting import change_text, value_text
from services.reports.labels import EUROS, FIGURES, HOURS, SHARE
from services.reports.mailing import email_report
from tests.servers import free_port

MONTHS = ["2025-11", "2025-12"] + [f"2026-{month:02}" for month in range(1, 11)]


@pytest.fixture
def figures() -> dict:
    """A residence's report of October 2026, as services/reports/figures.py stores it: its first
    report was in December 2025."""
    return {
        "scope": {
            "kind": "residence",
            "id": 12,
            "name": "Résidence Les Tilleuls",
            "landlord": "Habitat Est",
            "month": "2026-10",
            "time_zone": "Europe/Paris",
        },
        "definitions_version": 1,
        "members": {
            "total": 1234,
            "joined": 12,
            "left": 3,
            "active": 410,
            "households": 1500,
            "households_reached": 0.3,
            "by_building": [
                {"building": "Bâtiment A", "members": 702, "active": 250},
                {"building": "Bâtiment B", "members": 528, "active": 160},
                {"building": "Bâtiment C", "members": 4, "active": "< 5"},
            ],
        },
        "lending": {
            "listings": {"lend": 14, "give": 6, "offer_help": 9, "request_help": 5},
            "loans_started": 21,
            "loans_completed": 18,
            "loans_overdue": 2,
            "help_done": 11,
            "gifts": 4,
            "thanks": 25,
            "money_saved_eur": 1290,
            "help_hours": 16.5,
        },
        "spaces": {
            "bookings": 33,
            "hours_booked": 76.0,
            "cancellations": 4,
            "occupancy": 0.104,
            "by_space": [
                {
                    "space": "Salle commune",
                    "bookings": 21,
                    "hours_booked": 58.0,
                    "open_hours": 434.0,
                    "occupancy": 0.134,
                    "cancellations": 3,
                },
                {
                    "space": "Laverie",
                    "bookings": 12,
                    "hours_booked": 18.0,
                    "open_hours": 310.0,
                    "occupancy": 0.058,
                    "cancellations": 1,
                },
            ],
        },
        "news": {
            "posts": {"post": 23, "event": 4, "poll": 2, "announcement": 3, "alert": 1},
            "comments": 57,
            "rsvps": 31,
            "votes": 48,
            "announcements": {
                "count": 3,
                "targeted": 1180,
                "opened": 708,
                "reach": 0.6,
                "median_minutes_to_first_open": 42.0,
            },
        },
        "push": {
            "notifications_sent": 2400,
            "deliveries": 2950,
            "delivered": 2832,
            "delivery_rate": 0.96,
            "devices": 903,
        },
        "moderation": {
            "reports": 5,
            "median_hours_to_handle": 5.5,
            "actions": {"hide": 2, "warn": 1, "dismiss": 2},
        },
        "changes": {
            "members.total": 9,
            "members.active": -14,
            "members.households_reached": 0.006,
            "lending.loans_started": 3,
            "lending.help_done": -1,
            "lending.money_saved_eur": 140,
            "lending.help_hours": 2.5,
            "spaces.occupancy": -0.012,
            "news.announcements.reach": None,
            "push.delivery_rate": 0.01,
        },
        "trend": {
            "months": MONTHS,
            "members.total": [
                None,
                1090,
                1102,
                1120,
                1141,
                1150,
                1163,
                1180,
                1192,
                1210,
                1225,
                1234,
            ],
            "members.active": [None, 301, 322, 340, 351, 368, 390, 372, 380, 401, 424, 410],
            "lending.loans_started": [None, 9, 12, 15, 11, 16, 19, 14, 10, 17, 18, 21],
            "lending.help_done": [None, 4, 6, 5, 9, 8, 10, 12, 7, 9, 12, 11],
        },
    }


def landlord(locale: str, recipients: list[str]) -> Landlord:
    return Landlord(name="Habitat Est", report_recipients=recipients, report_locale=locale)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Numbers and percentages are written with (narrow) no-break spaces.
    return len(reader.pages), text.replace("\u202f", " ").replace("\xa0", " ")


def test_the_report_reaches_its_recipients_as_a_pdf_that_reads_as_it_should(
    figures, mailbox, tmp_path
):
    recipients = ["direction@habitat-est.test", "agence.nord@habitat-est.test"]

    sent = email_report(landlord("fr", recipients), figures, report_pdf(figures, "fr"))

    assert sent == 2
    [envelope] = mailbox.envelopes
    assert sorted(envelope.rcpt_tos) == sorted(recipients)
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Palier — rapport mensuel, octobre 2026 — Résidence Les Tilleuls"
    assert "rapport mensuel (PDF) : Résidence Les Tilleuls, octobre 2026" in (
        message.get_body(("plain",)).get_content()
    )
    [attachment] = message.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "palier-2026-10-residence-12.pdf"
    pdf = attachment.get_content()

    pages, text = pdf_text(pdf)
    for expected in (
        "RAPPORT MENSUEL",  # the kicker, in capitals
        "Résidence Les Tilleuls",
        "Habitat Est",
        "octobre 2026",
        "Membres actifs",
        "1 234",  # members
        "+9 depuis septembre",
        "30 %",  # households reached
        "32",  # loans and help: 21 + 11
        "1 290 €",
        "Taux d’occupation",
        "Évolution depuis septembre",
        "Bâtiment C",
        "< 5",
        "Ce rapport ne nomme personne.",
    ):
        assert expected in text, expected
    assert "MONTHLY REPORT" not in text

    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages >= 2
    for image in images:
        assert ink(image) > 0.02, f"{image.name} is (nearly) blank"


def ink(path) -> float:
    """The share of a page's pixels that are not white."""
    with Image.open(path) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
        return 1 - sum(histogram[250:]) / (grey.width * grey.height)


def test_an_english_speaking_landlord_gets_the_report_in_english(figures, mailbox):
    email_report(landlord("en", ["board@habitat-est.test"]), figures, report_pdf(figures, "en"))

    [envelope] = mailbox.envelopes
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Palier — monthly report, October 2026 — Résidence Les Tilleuls"
    [attachment] = message.iter_attachments()
    _, text = pdf_text(attachment.get_content())
    for expected in ("MONTHLY REPORT", "October 2026", "Active members", "1,234", "30%", "€1,290"):
        assert expected in text, expected
    assert "octobre" not in text


def test_a_landlord_without_recipients_is_sent_nothing(figures, mailbox):
    assert email_report(landlord("fr", []), figures, b"%PDF-1.7") == 0
    assert mailbox.envelopes == []


def test_without_a_mail_server_the_mail_is_written_to_the_log(app, figures, caplog):
    assert app.extensions["mail"].server is None  # the tests' settings, as in development

    with caplog.at_level(logging.INFO, logger="notifications.mail"):
        sent = email_report(landlord("fr", ["direction@habitat-est.test"]), figures, b"%PDF-1.7")

    assert sent == 1
    [record] = caplog.records
    assert record.levelno == logging.INFO
    assert "direction@habitat-est.test" in record.message
    assert "Palier — rapport mensuel, octobre 2026 — Résidence Les Tilleuls" in record.message
    assert "Vous trouverez ci-joint le rapport mensuel" in record.message
    assert "palier-2026-10-residence-12.pdf (8 bytes)" in record.message


def test_in_production_without_a_mail_server_a_warning_says_what_was_not_sent(
    app, figures, caplog, monkeypatch
):
    monkeypatch.setitem(app.config, "PALIER_ENVIRONMENT", "production")

    with caplog.at_level(logging.INFO, logger="notifications.mail"):
        email_report(landlord("fr", ["direction@habitat-est.test"]), figures, b"%PDF-1.7")

    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "not sent" in record.message
    assert "direction@habitat-est.test" in record.message
    assert "ci-joint" not in record.message  # a body may hold a secret link: never logged there


def read_csv(text: str) -> dict[tuple[str, str], dict]:
    return {(row["figure"], row["label"]): row for row in csv.DictReader(io.StringIO(text))}


def test_the_csv_has_a_row_a_figure_labelled_in_the_landlords_language(figures):
    french = read_csv(report_csv(figures, "fr"))
    english = read_csv(report_csv(figures, "en"))

    assert french[("members.active", "Membres actifs")] == {
        "section": "Membres",
        "figure": "members.active",
        "label": "Membres actifs",
        "value": "410",
        "change": "-14",
    }
    assert english[("members.active", "Active members")]["section"] == "Members"
    assert french[("spaces.occupancy", "Taux d’occupation")]["value"] == "0.104"
    assert french[("news.announcements.reach", "Portée des annonces")]["change"] == ""
    assert french[("lending.help_hours", "Heures d’entraide")]["change"] == "2.5"
    assert french[("members.by_building.active", "Bâtiment C — Membres actifs")]["value"] == "< 5"
    assert english[("spaces.by_space.occupancy", "Laverie — Occupancy")]["value"] == "0.058"
    # Every figure once, then 2 figures for each of 3 buildings and 5 for each of 2 spaces.
    assert len(french) == len(english) == 45 + 2 * 3 + 5 * 2


def test_csv_cells_never_become_formulas(figures):
    figures["members"]["by_building"][0]["building"] = '=HYPERLINK("http://evil.test")'
    figures["spaces"]["by_space"][0]["space"] = "@SUM(A1:A9)"

    rows = list(csv.reader(io.StringIO(report_csv(figures, "en"))))

    labels = [label for _, _, label, _, _ in rows]
    assert '\'=HYPERLINK("http://evil.test") — Members' in labels
    assert "'@SUM(A1:A9) — Bookings" in labels
    numbers = {cell for row in rows for cell in row if cell.lstrip("-").replace(".", "").isdigit()}
    cells = [cell for row in rows for cell in row if cell not in numbers]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_every_figure_of_the_report_has_a_label(figures):
    paths = []

    def walk(values, prefix):
        for key, value in values.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}.{key}")
            elif not isinstance(value, list):
                paths.append(f"{prefix}.{key}")

    for section in ("members", "lending", "spaces", "news", "push", "moderation"):
        walk(figures[section], section)
    assert [path for path in paths if path not in FIGURES] == []


@pytest.mark.parametrize(
    ("value", "kind", "locale", "text"),
    [
        (1234, "count", "fr", "1\u202f234"),
        (1234, "count", "en", "1,234"),
        (0.6, SHARE, "fr", "60\xa0%"),
        (0.014, SHARE, "en", "1.4%"),
        (1290, EUROS, "fr", "1\u202f290\xa0€"),
        (1290, EUROS, "en", "€1,290"),
        (1.5, HOURS, "fr", "1,5\xa0h"),
        ("< 5", "count", "fr", "< 5"),
        (None, "count", "en", "—"),
    ],
)
def test_values_read_as_in_the_language(value, kind, locale, text):
    assert value_text(value, kind, locale) == text


@pytest.mark.parametrize(
    ("change", "kind", "locale", "text"),
    [
        (9, "count", "fr", "+9"),
        (-14, "count", "fr", "\u221214"),
        (0, "count", "en", "0"),
        (0.006, SHARE, "fr", "+0,6 pts"),
        (-0.012, SHARE, "en", "\u22121.2 pts"),
        (140, EUROS, "en", "+€140"),
        (None, "count", "fr", "—"),
    ],
)
def test_changes_read_as_in_the_language(change, kind, locale, text):
    assert change_text(change, kind, locale) == text


# Through the scheduler's job and the endpoints, from a world's stored report


def test_the_job_emails_last_months_landlord_report_once(app, world, mailbox):
    world.landlord.report_recipients = ["direction@habitat-est.test"]
    world.other_landlord.report_recipients = ["dg@autre-bailleur.test"]
    for landlord in (world.landlord, world.other_landlord):
        snapshots.build_month(landlord, snapshots.last_complete_month())
    db.session.commit()
    jobs.bind(app)

    jobs.build_monthly_reports()
    jobs.build_monthly_reports()  # an hour later: nothing twice

    assert sorted(envelope.rcpt_tos[0] for envelope in mailbox.envelopes) == [
        "dg@autre-bailleur.test",
        "direction@habitat-est.test",
    ]
    message = email.message_from_bytes(mailbox.envelopes[0].content, policy=policy.default)
    [attachment] = list(message.iter_attachments())
    pages, text = pdf_text(attachment.get_content())
    assert pages >= 1 and "Habitat Est" in text
    db.session.expire_all()
    unsent = select(MonthlyReport.id).where(MonthlyReport.emailed_at.is_(None))
    assert db.session.scalars(unsent.where(MonthlyReport.residence_id.is_(None))).all() == []


def test_a_refused_mail_stays_unsent_and_goes_next_time(app, world, mailbox):
    world.landlord.report_recipients = ["direction@habitat-est.test"]
    snapshots.build_month(world.landlord, snapshots.last_complete_month())
    db.session.commit()
    jobs.bind(app)
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    mail.init_app(app)
    jobs.build_monthly_reports()
    assert mailbox.envelopes == []
    app.config["MAIL_PORT"] = mailbox.port
    mail.init_app(app)
    jobs.build_monthly_reports()
    assert [envelope.rcpt_tos for envelope in mailbox.envelopes] == [["direction@habitat-est.test"]]


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_staff_download_the_reports_in_their_language(client, world, kind):
    month = snapshots.last_complete_month()
    snapshots.build_month(world.landlord, month)
    db.session.commit()
    headers = {**world.headers("staff"), "Accept-Language": "en"}
    for url in (
        f"/api/v1/residences/{world.home.id}/reports/{month:%Y-%m}.{kind}",
        f"/api/v1/landlords/{world.landlord.id}/reports/{month:%Y-%m}.{kind}",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert "attachment" in response.headers["Content-Disposition"]
        if kind == "csv":
            assert response.mimetype == "text/csv"
            assert "Members" in response.get_data(as_text=True)
        else:
            assert response.mimetype == "application/pdf"
            _, text = pdf_text(response.get_data())
            assert month.strftime("%B %Y") in text
    resident = client.get(
        f"/api/v1/residences/{world.home.id}/reports/{month:%Y-%m}.{kind}",
        headers=world.headers("resident"),
    )
    assert resident.status_code == 403


def test_a_dollar_in_a_space_name_is_no_formula(figures):
    figures["spaces"]["by_space"][0]["space"] = "Salle $\\frac$ du 1er"
    pages, text = pdf_text(report_pdf(figures, "fr"))
    assert pages >= 1 and "Résidence" in text


def test_a_month_is_written_with_ascii_digits(client, world):
    url = f"/api/v1/residences/{world.home.id}/reports/２０２６-１０"
    assert client.get(url, headers=world.headers("staff")).status_code == 404
