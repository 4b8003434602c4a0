"""A script writer's view, and a stand-in for every generated client: openapi-python-client
generates a client from the served document, and the app's main flows run through that client
only (against the app, on the test database), every answer parsed into its model."""

import datetime as dt
import importlib
import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.contract.test_document import ROOT
from tests.photos import png_bytes
from tests.world import PARIS, PASSWORD, today

PACKAGE = "palier_client"


@pytest.fixture(scope="session")
def generated(document_file, tmp_path_factory):
    """The generated package, imported from a temporary folder."""
    folder = tmp_path_factory.mktemp("python-client")
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "openapi-python-client"),
            "generate",
            "--path",
            str(document_file),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(Path(__file__).with_name("python-client.yaml")),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        # Its formatting step runs ruff, from the project's virtualenv.
        env={**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


def operation(generated, tag: str, name: str):
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")


def model(generated, name: str):
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


@pytest.fixture
def connect(app, generated):
    """A client of the generated package whose requests go to the app, each in its own app
    context as in production."""

    def wsgi(environ, start_response):
        with app.app_context():
            return app(environ, start_response)

    def connect(token=None):
        options = {
            "base_url": "http://palier.test",
            "httpx_args": {"transport": httpx.WSGITransport(app=wsgi)},
            "raise_on_unexpected_status": True,
        }
        if token is None:
            return generated.Client(**options)
        return generated.AuthenticatedClient(token=token, **options)

    return connect


def sign_in(generated, connect, user):
    login = model(generated, "Login")(email=user.email, password=PASSWORD, device_name="Pixel 7")
    answer = operation(generated, "accounts", "log_in").sync_detailed(client=connect(), body=login)
    assert answer.status_code == 200, answer.content
    return connect(answer.parsed.token)


def test_a_resident_signs_in_reads_the_feed_and_searches_listings(generated, connect, world):
    resident = sign_in(generated, connect, world.users["resident"])

    me = operation(generated, "accounts", "get_me").sync(client=resident)
    assert me.display_name == world.users["resident"].display_name
    assert me.locale.value in ("fr", "en")

    feed = operation(generated, "news", "list_feed").sync(client=resident)
    kinds = {item.kind.value for item in feed.items}
    assert {"announcement", "event", "poll"} <= kinds
    announcement = next(item for item in feed.items if item.kind.value == "announcement")
    assert announcement.author.role.value == "staff"
    assert isinstance(announcement.published_at, dt.datetime)

    hits = operation(generated, "listings", "search_listings").sync(client=resident)
    drill = next(hit for hit in hits.items if hit.listing.id == world.lend.id)
    assert drill.listing.owner.id == world.users["resident"].id
    assert drill.listing.status.value == "open"


def test_a_listing_with_a_photo_is_lent_then_a_room_is_booked(generated, connect, world):
    owner = sign_in(generated, connect, world.users["resident"])
    neighbour = sign_in(generated, connect, world.users["solidaire"])

    listing_request = model(generated, "ListingRequest")
    listing = operation(generated, "listings", "create_listing").sync(
        client=owner,
        body=listing_request.from_dict(
            {
                "residence_id": world.home.id,
                "kind": "lend",
                "category": "tools",
                "title": "Scie sauteuse",
                "scope": "residence",
            }
        ),
    )
    assert listing.status.value == "open" and listing.photos == []

    upload = model(generated, "PhotoUpload")
    file_type = importlib.import_module(f"{PACKAGE}.types").File
    photo = operation(generated, "listings", "add_listing_photo").sync(
        listing_id=listing.id,
        client=owner,
        body=upload(photo=file_type(payload=io.BytesIO(png_bytes()), file_name="scie.png")),
    )
    assert photo.width == 40 and photo.url.endswith(".png")
    served = operation(generated, "photos", "get_photo").sync(
        filename=photo.url.rsplit("/", 1)[1], client=neighbour
    )
    assert served.payload.read().startswith(b"\x89PNG")

    first = today() + timedelta(days=2)
    loan = operation(generated, "loans", "request_loan").sync(
        listing_id=listing.id,
        client=neighbour,
        body=model(generated, "LoanRequest")(starts_on=first, due_on=first + timedelta(days=2)),
    )
    assert loan.status.value == "requested" and loan.overdue is False

    accepted = operation(generated, "loans", "accept_loan").sync(loan_id=loan.id, client=owner)
    assert accepted.status.value == "accepted"
    assert accepted.borrower.id == world.users["solidaire"].id

    day = today() + timedelta(days=9)
    starts = dt.datetime.combine(day, dt.time(10), PARIS)
    booking = operation(generated, "bookings", "book_space").sync(
        space_id=world.room.id,
        client=neighbour,
        body=model(generated, "BookingRequest")(
            starts_at=starts, ends_at=starts + timedelta(hours=2), purpose="Aide aux devoirs"
        ),
    )
    assert booking.status.value == "confirmed"
    assert booking.starts_at == starts


def test_a_phone_registers_for_notifications(generated, connect, world):
    resident = sign_in(generated, connect, world.users["resident"])
    device = operation(generated, "devices", "register_device").sync(
        client=resident,
        body=model(generated, "DeviceRequest").from_dict(
            {"token": "fcm-token-of-the-new-phone", "platform": "android"}
        ),
    )
    assert device.platform.value == "android"
    assert device.app_version is None and device.id > 0


def test_a_conflict_and_invalid_input_arrive_as_problems_with_their_members(
    generated, connect, world
):
    owner = sign_in(generated, connect, world.users["resident"])
    accept = operation(generated, "loans", "accept_loan")
    assert accept.sync(loan_id=world.loan.id, client=owner).status.value == "accepted"

    again = accept.sync_detailed(loan_id=world.loan.id, client=owner)
    assert again.status_code == 409
    assert again.parsed.current_status == "accepted"
    assert again.parsed.status == 409 and again.parsed.detail

    neighbour = sign_in(generated, connect, world.users["solidaire"])
    backwards = operation(generated, "loans", "request_loan").sync_detailed(
        listing_id=world.lend.id,
        client=neighbour,
        body=model(generated, "LoanRequest")(
            starts_on=today() + timedelta(days=5), due_on=today() + timedelta(days=4)
        ),
    )
    assert backwards.status_code == 422
    assert list(backwards.parsed.errors.to_dict()) == ["due_on"]
