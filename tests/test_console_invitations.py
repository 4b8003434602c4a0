"""The console's invite codes: the list, a new code through the API's schema and service,
revoking, and the hall poster (a PDF whose QR code, read back from the rendered page, opens
the app's join page with the code)."""

import io
import re
import subprocess
from datetime import datetime, time, timedelta

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from models import InviteCode, db
from models.base import utcnow
from tests.console import console_as
from tests.world import PARIS, today


def codes_page(world, suffix=""):
    return f"/console/residences/{world.home.id}/invite-codes{suffix}"


def newest_code(world) -> InviteCode:
    return db.session.scalar(
        select(InviteCode)
        .where(InviteCode.residence_id == world.home.id)
        .order_by(InviteCode.id.desc())
        .limit(1)
    )


def test_staff_see_the_residence_codes(client, world):
    page = console_as(client, world, "staff").get(codes_page(world))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "HOMECODE" in text and "Toute la résidence" in text and "Valable" in text
    assert 'for="building_id"' in text and "Bâtiment A" in text


def test_a_code_for_a_building_until_a_day(client, world):
    staff = console_as(client, world, "staff")
    last_day = today() + timedelta(days=30)
    form = {"building_id": str(world.building.id), "last_day": last_day.isoformat()}
    response = staff.post(codes_page(world), form | {"max_uses": "25"})
    assert response.status_code == 302
    invite = newest_code(world)
    assert invite.building_id == world.building.id and invite.max_uses == 25
    # It works the whole of its last day, in the residence's time zone.
    assert invite.expires_at == datetime.combine(last_day + timedelta(days=1), time(0), PARIS)
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Nouveau code d’invitation : {invite.code}." in page
    assert "0 sur 25" in page


def test_a_code_without_expiry(client, world):
    staff = console_as(client, world, "staff")
    assert staff.post(codes_page(world), {"never_expires": "on"}).status_code == 302
    invite = newest_code(world)
    assert invite.expires_at is None and invite.building_id is None and invite.max_uses is None
    assert "Sans expiration" in staff.get(codes_page(world)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"last_day": "2020-01-01"}, "last_day", "La date d’expiration est déjà passée."),
        ({"last_day": "demain"}, "last_day", "Ce n’est pas une date valide."),
        (
            {"last_day": "2099-01-01", "never_expires": "on"},
            "never_expires",
            "Choisissez une date d’expiration ou aucune, pas les deux.",
        ),
        ({"max_uses": "0"}, "max_uses", "Doit être compris entre 1 et 10000."),
        ({"max_uses": "9" * 30}, "max_uses", "Doit être compris entre 1 et 10000."),
        ({"building_id": "2147483647"}, "building_id", "Ce bâtiment ne fait pas partie"),
        ({"building_id": "A\x00"}, "building_id", "caractère NUL"),
    ],
)
def test_a_refused_code_is_shown_next_to_its_field(client, world, form, field, message):
    staff = console_as(client, world, "staff")
    before = db.session.scalar(select(db.func.count()).select_from(InviteCode))
    response = staff.post(codes_page(world), form)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">(.*?)</p>', text, re.DOTALL)
    assert error and message in error.group(1), text[-3000:]
    assert db.session.scalar(select(db.func.count()).select_from(InviteCode)) == before


def test_a_code_of_another_residence_is_not_a_building_of_this_one(client, world):
    """The neighbouring residence's building is not offered, nor taken."""
    staff = console_as(client, world, "staff")
    page = staff.get(f"/console/residences/{world.neighbour.id}/invite-codes")
    assert "Bâtiment A" not in page.get_data(as_text=True)
    response = staff.post(
        f"/console/residences/{world.neighbour.id}/invite-codes",
        {"building_id": str(world.building.id)},
    )
    assert response.status_code == 422


def test_revoking_a_code(client, world):
    staff = console_as(client, world, "staff")
    response = staff.post(codes_page(world, f"/{world.invite.id}/revoke"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(InviteCode, world.invite.id).revoked_at is not None
    page = staff.get(codes_page(world)).get_data(as_text=True)
    assert "Le code HOMECODE est révoqué" in page and "Révoqué le" in page
    # No poster for a code nobody can use any more.
    assert f"/invite-codes/{world.invite.id}/poster.pdf" not in page
    poster = staff.get(codes_page(world, f"/{world.invite.id}/poster.pdf"))
    assert poster.status_code == 409 and poster.mimetype == "text/html"


def test_another_residence_code_is_not_found_here(client, world):
    staff = console_as(client, world, "staff")
    neighbour = f"/console/residences/{world.neighbour.id}/invite-codes/{world.invite.id}"
    assert staff.post(neighbour + "/revoke").status_code == 404
    assert staff.get(neighbour + "/poster.pdf").status_code == 404
    db.session.expire_all()
    assert db.session.get(InviteCode, world.invite.id).revoked_at is None


@pytest.mark.parametrize(
    ("role", "status"), [("other_staff", 404), ("solidaire", 403), ("resident", 302)]
)
def test_only_the_landlords_staff_reach_the_codes(client, world, role, status):
    browser = console_as(client, world, role)
    assert browser.get(codes_page(world)).status_code == status
    assert browser.get(codes_page(world, f"/{world.invite.id}/poster.pdf")).status_code == status
    assert browser.post(codes_page(world), {"never_expires": "on"}).status_code == status
    response = browser.post(codes_page(world, f"/{world.invite.id}/revoke"))
    assert response.status_code == status
    assert "HOMECODE" not in response.get_data(as_text=True)


def read_qr_codes(pdf: bytes, folder) -> list[str]:
    """The poster's page as poppler draws it, and the QR codes zxing-cpp reads on it."""
    (folder / "poster.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-singlefile", folder / "poster.pdf", folder / "poster"],
        check=True,
    )
    image = Image.open(folder / "poster.png")
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_poster_is_an_a4_pdf_with_the_code_and_a_qr_code_that_joins(
    client, world, app, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "APP_JOIN_URL", "https://rejoindre.example/?code={code}")
    world.invite.expires_at = datetime.combine(today() + timedelta(days=61), time(0), PARIS)
    world.invite.code = "ABCDEFGHJKMN"
    db.session.commit()
    staff = console_as(client, world, "staff")
    response = staff.get(codes_page(world, f"/{world.invite.id}/poster.pdf"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "palier-ABCDEFGHJKMN.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)
    text = " ".join(reader.pages[0].extract_text().split())
    # The code in groups of four, read aloud and typed that way; French, then English.
    assert "ABCD EFGH JKMN" in text
    assert "Rejoignez vos voisins sur Palier" in text and "Les Tilleuls" in text
    assert "Scannez ce code avec l’appareil photo de votre téléphone." in text
    last_day = today() + timedelta(days=60)
    assert f"Valable jusqu’au {last_day.day}" in text
    assert "Habitat Est" in text
    assert "Join your neighbours on Palier" in text
    assert text.index("Rejoignez") < text.index("Join your neighbours")
    assert read_qr_codes(response.data, tmp_path) == [
        "https://rejoindre.example/?code=ABCDEFGHJKMN"
    ]


def test_the_poster_is_french_whatever_the_member_reads(client, world, tmp_path):
    staff = console_as(client, world, "staff")
    staff.post("/console/language", {"locale": "en"})
    assert "Invite codes" in staff.get(codes_page(world)).get_data(as_text=True)
    response = staff.get(codes_page(world, f"/{world.invite.id}/poster.pdf"))
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert text.startswith("PALIER Rejoignez vos voisins sur Palier")
    assert read_qr_codes(response.data, tmp_path) == [
        "https://app.palier.fr/rejoindre?code=HOMECODE"
    ]


def test_a_used_up_or_expired_code_has_no_poster(client, world):
    staff = console_as(client, world, "staff")
    world.invite.max_uses, world.invite.uses = 2, 2
    db.session.commit()
    assert staff.get(codes_page(world, f"/{world.invite.id}/poster.pdf")).status_code == 409
    world.invite.max_uses, world.invite.expires_at = None, utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = staff.get(codes_page(world, f"/{world.invite.id}/poster.pdf"))
    assert response.status_code == 409
    assert "plus utilisable" in response.get_data(as_text=True)
