"""The console's announcement pages: the list with each one's reach, the composer and its
preview, driven through Flask's test client as a browser would (signed in by the form, with
the form's CSRF token)."""

import io
import re
from datetime import datetime, time, timedelta

from shapely.geometry import Point
from sqlalchemy import event, func, select

from models import Building, Device, Membership, Post, PostPhoto, PostRead, db
from services import accounts
from services.geojson import to_column
from services.news import publishing
from services.news.targeting import targeted_members
from tests.console import console_as
from tests.photos import png_bytes
from tests.world import PARIS, today, user

AROUND_TILLEULS_AND_VERGER = (
    '{"type": "Polygon", "coordinates": [[[4.875, 45.765], [4.892, 45.765], [4.892, 45.777], '
    "[4.875, 45.777], [4.875, 45.765]]]}"
)
AROUND_TILLEULS_ONLY = (
    '{"type": "Polygon", "coordinates": [[[4.878, 45.767], [4.882, 45.767], [4.882, 45.770], '
    "[4.878, 45.770], [4.878, 45.767]]]}"
)


def compose_url(residence_id: int) -> str:
    return f"/console/residences/{residence_id}/announcements/new"


def compose(browser, world, action="send", files=None, **fields):
    data = {
        "kind": "announcement",
        "title": "Coupure d'eau",
        "body": "L'eau sera coupée jeudi de 9 h à 12 h.",
        "target": "residence",
        "action": action,
        **fields,
        **(files or {}),
    }
    return browser.post(compose_url(world.home.id), data, content_type="multipart/form-data")


def feed_ids(client, world, role) -> list[int]:
    answer = client.get("/api/v1/feed?limit=100", headers=world.headers(role))
    assert answer.status_code == 200
    return [item["id"] for item in answer.json["items"]]


def newest_post() -> Post:
    return db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))


def post_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def second_building(world):
    """Bâtiment B of Les Tilleuls, with Léa living there and her two phones."""
    building = Building(
        residence=world.home, name="Bâtiment B", location=to_column(Point(4.8805, 45.7687))
    )
    lea = user("lea@test.palier", "Léa")
    db.session.add_all([building, Membership(user=lea, residence=world.home, building=building)])
    db.session.flush()
    db.session.add_all(
        Device(user_id=lea.id, token=f"fcm-lea-{n}", platform="ios") for n in range(2)
    )
    world.tokens["lea"] = accounts.issue_token(lea, "phone")
    db.session.commit()
    return building, lea


def test_an_alert_for_one_building_reaches_that_building_only(client, world):
    second_building(world)
    staff = console_as(client, world, "staff")
    answer = compose(
        staff, world, kind="alert", target="buildings", building_ids=[str(world.building.id)]
    )
    assert answer.status_code == 302
    assert answer.location.endswith(f"/console/residences/{world.home.id}/announcements")
    post = newest_post()
    assert post.kind == "alert" and post.urgent and post.published_at is not None
    assert post.id in feed_ids(client, world, "resident")  # Bâtiment A
    assert post.id not in feed_ids(client, world, "lea")  # Bâtiment B
    listing = staff.get(answer.location)
    assert "L’annonce est publiée." in listing.get_data(as_text=True)


def test_the_preview_counts_what_the_publication_then_reaches(client, world):
    second_building(world)
    staff = console_as(client, world, "staff")
    targets = {
        "one building": {"target": "buildings", "building_ids": [str(world.building.id)]},
        "the residence": {"target": "residence"},
        "an area": {"target": "area", "area": AROUND_TILLEULS_AND_VERGER},
        "residences": {
            "target": "residences",
            "residence_ids": [str(world.home.id), str(world.neighbour.id)],
        },
    }
    for name, fields in targets.items():
        before = post_count()
        preview = compose(staff, world, action="preview", **fields)
        assert preview.status_code == 200, name
        assert post_count() == before, name  # a preview writes nothing
        page = preview.get_data(as_text=True)
        members = int(re.search(r'id="preview-members">(\d+)<', page).group(1))
        devices = int(re.search(r'id="preview-devices">(\d+)<', page).group(1))
        # Nothing typed is lost: the text and the target come back as typed.
        assert "L&#39;eau sera coupée jeudi de 9 h à 12 h.</textarea>" in page, name
        assert f'value="{fields["target"]}" ' in page and "checked" in page, name

        assert compose(staff, world, **fields).status_code == 302, name
        post = newest_post()
        reached = targeted_members(post)
        phones = db.session.scalar(
            select(func.count(Device.id)).where(Device.user_id.in_([m.id for m in reached]))
        )
        assert (members, devices) == (post.targeted_count, phones), name
    # The figures are not all the same, so the comparison above means something.
    assert post.targeted_count > 2


def test_an_area_reaches_the_residences_it_covers(client, world):
    staff = console_as(client, world, "staff")
    assert compose(staff, world, target="area", area=AROUND_TILLEULS_ONLY).status_code == 302
    home_only = newest_post().id
    assert compose(staff, world, target="area", area=AROUND_TILLEULS_AND_VERGER).status_code == 302
    both = newest_post().id
    assert home_only not in feed_ids(client, world, "other_resident")
    assert both in feed_ids(client, world, "other_resident")
    assert {home_only, both} <= set(feed_ids(client, world, "resident"))


def test_several_residences_of_the_landlord(client, world):
    staff = console_as(client, world, "staff")
    answer = compose(staff, world, target="residences", residence_ids=[str(world.neighbour.id)])
    assert answer.status_code == 302
    post = newest_post().id
    assert post in feed_ids(client, world, "other_resident")
    assert post not in feed_ids(client, world, "resident")
    # Another landlord's residence, a made-up one: refused next to the field, nothing written.
    before = post_count()
    for foreign in (world.far.id, 2**31 - 1, 2**40):
        refused = compose(staff, world, target="residences", residence_ids=[str(foreign)])
        assert refused.status_code == 422
        assert 'id="residence_ids-error"' in refused.get_data(as_text=True)
    none = compose(staff, world, target="residences")
    assert 'id="residence_ids-error"' in none.get_data(as_text=True)
    assert post_count() == before


def test_the_api_reaches_chosen_residences_too(client, world):
    body = {
        "residence_id": world.home.id,
        "kind": "announcement",
        "body": "Réunion de quartier",
        "scope": "area",
        "residence_ids": [world.neighbour.id],
    }
    answer = client.post("/api/v1/posts", json=body, headers=world.headers("staff"))
    assert answer.status_code == 201
    assert answer.json["id"] in feed_ids(client, world, "other_resident")
    assert answer.json["id"] not in feed_ids(client, world, "resident")


def test_a_scheduled_announcement_waits_for_its_time(client, world):
    staff = console_as(client, world, "staff")
    tomorrow = today() + timedelta(days=1)
    answer = compose(staff, world, publish_at=f"{tomorrow.isoformat()}T09:30")
    assert answer.status_code == 302
    post = newest_post()
    assert post.published_at is None
    # 09:30 on the residence's wall clock, whatever the server's zone.
    assert post.publish_at == datetime.combine(tomorrow, time(9, 30), PARIS)
    assert post.id not in feed_ids(client, world, "resident")
    listing = staff.get(answer.location).get_data(as_text=True)
    assert "Programmée pour le" in listing and "Pas encore publiée" in listing
    publishing.publish_due_posts(now=post.publish_at + timedelta(minutes=1))
    db.session.commit()
    assert post.id in feed_ids(client, world, "resident")


def test_a_pin_lasts_until_the_end_of_the_day_chosen(client, world):
    staff = console_as(client, world, "staff")
    day = today() + timedelta(days=3)
    assert compose(staff, world, pinned_until=day.isoformat()).status_code == 302
    assert newest_post().pinned_until == datetime.combine(day + timedelta(days=1), time(0), PARIS)


def test_a_photo_goes_with_the_announcement(client, world):
    staff = console_as(client, world, "staff")
    photo = {"photo": (io.BytesIO(png_bytes()), "affiche.png")}
    assert compose(staff, world, files=photo).status_code == 302
    assert len(newest_post().photos) == 1
    before = (post_count(), db.session.scalar(select(func.count()).select_from(PostPhoto)))
    bad = {"photo": (io.BytesIO(b"not an image"), "affiche.png")}
    refused = compose(staff, world, files=bad)
    assert refused.status_code == 422
    assert 'id="photo-error"' in refused.get_data(as_text=True)
    after = (post_count(), db.session.scalar(select(func.count()).select_from(PostPhoto)))
    assert after == before


def test_missing_text_is_shown_next_to_the_field_and_nothing_is_written(client, world):
    staff = console_as(client, world, "staff")
    before = post_count()
    for body in ("", "   \n "):
        answer = compose(staff, world, body=body, title="Titre gardé")
        assert answer.status_code == 422
        page = answer.get_data(as_text=True)
        assert re.search(r'<textarea id="body"[^>]*aria-invalid="true"', page)
        assert 'id="body-error"' in page
        assert 'value="Titre gardé"' in page  # what was typed stays
        assert 'class="error-summary"' in page
    assert post_count() == before


def test_bad_input_is_refused_field_by_field(client, world):
    staff = console_as(client, world, "staff")
    before = post_count()
    cases = [
        ({"body": "x" * 2001}, "body"),
        ({"body": "nul \x00 byte"}, "body"),
        ({"title": "t" * 121}, "title"),
        ({"kind": "post"}, "kind"),
        ({"target": "elsewhere"}, "scope"),
        ({"target": "buildings"}, "building_ids"),
        ({"target": "buildings", "building_ids": ["abc"]}, "building_ids"),
        ({"target": "buildings", "building_ids": [str(2**31)]}, "building_ids"),
        ({"target": "area"}, "area"),
        ({"target": "area", "area": "{not json"}, "area"),
        ({"target": "area", "area": '{"type": "Point", "coordinates": [4.8, 45.7]}'}, "area"),
        ({"publish_at": "tomorrow"}, "publish_at"),
        ({"publish_at": "9999-01-01T10:00"}, "publish_at"),
        ({"pinned_until": "2026-02-30"}, "pinned_until"),
    ]
    for fields, name in cases:
        answer = compose(staff, world, **fields)
        assert answer.status_code == 422, fields
        assert f'id="{name}-error"' in answer.get_data(as_text=True), fields
    assert post_count() == before


def test_the_list_shows_each_announcements_reach_in_a_few_queries(client, world, app):
    staff = console_as(client, world, "staff")
    url = f"/console/residences/{world.home.id}/announcements"
    db.session.add(PostRead(post_id=world.announcement.id, user_id=world.users["resident"].id))
    db.session.commit()
    page = staff.get(url).get_data(as_text=True)
    row = page[page.index("Ascenseur") :].split("</tr>")[0]
    targeted = world.announcement.targeted_count
    assert targeted == 2  # the resident and the solidaire
    assert re.findall(r'class="number">([^<]+)<', row) == [str(targeted), "1", "50\xa0%"]

    def queries_for_the_list() -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert staff.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries_for_the_list()
    for n in range(12):
        publishing.publish_post(
            world.users["staff"], residence_id=world.home.id, kind="announcement", body=f"n°{n}"
        )
    db.session.commit()
    assert queries_for_the_list() == few


def test_the_list_pages_through_every_announcement_once(client, world):
    for n in range(25):
        publishing.publish_post(
            world.users["staff"], residence_id=world.home.id, kind="announcement", body=f"n°{n}"
        )
    db.session.commit()
    staff = console_as(client, world, "staff")
    url = f"/console/residences/{world.home.id}/announcements"
    first = staff.get(url).get_data(as_text=True)
    second = staff.get(f"{url}?page=2").get_data(as_text=True)
    shown = re.findall(r"n°(\d+)", first) + re.findall(r"n°(\d+)", second)
    assert sorted(shown, key=int) == [str(n) for n in range(25)]
    assert re.findall(r"n°(\d+)", first)[0] == "24"  # newest first
    assert "?page=2" in first and "?page=1" in second
    for page in ("0", "-3", "99999999999999999999", "abc"):
        assert staff.get(f"{url}?page={page}").status_code == 200


def test_another_landlords_staff_get_404_and_members_403(app, world):
    urls = [
        f"/console/residences/{world.home.id}/announcements",
        compose_url(world.home.id),
    ]
    before = post_count()
    for role, status in (("other_staff", 404), ("solidaire", 403)):
        browser = console_as(app.test_client(), world, role)
        for url in urls:
            assert browser.get(url).status_code == status, role
        assert compose(browser, world).status_code == status, role
    staff = console_as(app.test_client(), world, "staff")
    for residence_id in (0, 2**31, 2**63):
        assert staff.get(f"/console/residences/{residence_id}/announcements").status_code == 404
    assert post_count() == before


def test_a_form_without_its_csrf_token_is_refused(client, world):
    staff = console_as(client, world, "staff")
    before = post_count()
    data = {"kind": "announcement", "body": "Sans jeton", "target": "residence", "action": "send"}
    for form in (data, {**data, "csrf_token": "forged"}):
        answer = staff.post(compose_url(world.home.id), form, with_token=False)
        assert answer.status_code == 400
    assert post_count() == before
    assert compose(staff, world).status_code == 302  # the same form with its token goes


def test_the_composer_offers_the_map_and_the_landlords_residences(client, world):
    staff = console_as(client, world, "staff")
    page = staff.get(compose_url(world.home.id)).get_data(as_text=True)
    assert f'id="building-{world.building.id}"' in page
    assert f'id="residence-{world.home.id}"' in page
    assert f'id="residence-{world.neighbour.id}"' in page
    assert f'id="residence-{world.far.id}"' not in page  # another landlord's
    assert '"kind": "building"' in page and '"MultiPolygon"' in page
    assert "/assets/leaflet/leaflet.js" in page and "announcement_map.js" in page
    for url in ("/console/static/announcement_map.js", "/assets/leaflet/images/marker-shadow.png"):
        with staff.get(url) as served:
            assert served.status_code == 200
