"""The landlord's announcements and alerts of a residence: the list with their reach, and the
composer (text, photo, target on a map, schedule, pin) with a preview of whom it reaches.

The form is parsed by the API's own schema (PostRequestSchema) and published by the API's own
service, so that the rules and their messages are the same on both ways in.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_percent
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from marshmallow import ValidationError

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from app.problems import translated_field_errors
from app.schemas.news import PostRequestSchema
from models import PostKind, PostScope
from models.base import utcnow
from services.errors import InvalidInput
from services.news import announcements, publishing
from services.photos import MAX_PHOTO_BYTES

COMPOSE_ENDPOINT = "console.compose_announcement"
# "26 nov. 2026, 09:30": to the minute, in the residence's time.
LIST_MOMENT = "d MMM y, HH:mm"
KINDS = (PostKind.ANNOUNCEMENT.value, PostKind.ALERT.value)
# How the form names a target -> the post's scope.
TARGETS = {
    "buildings": PostScope.BUILDING,
    "residence": PostScope.RESIDENCE,
    "residences": PostScope.AREA,
    "area": PostScope.AREA,
}
# Where the error summary leads for each field's error (an id in the form).
FIELD_ANCHORS = {
    "kind": "kind",
    "title": "title",
    "body": "body",
    "photo": "photo",
    "building_ids": "target",
    "residence_ids": "target",
    "area": "target",
    "scope": "target",
    "residence_id": "target",
    "publish_at": "publish_at",
    "pinned_until": "pinned_until",
}
# The post's fields a preview needs (publish_post takes these and the text, schedule and pin).
TARGETING_FIELDS = (
    "residence_id",
    "kind",
    "scope",
    "building_ids",
    "area",
    "residence_ids",
)


@dataclass
class AnnouncementForm:
    """What the member typed, as typed: re-rendered unchanged after a preview or an error."""

    title: str = ""
    body: str = ""
    kind: str = PostKind.ANNOUNCEMENT.value
    target: str = "residence"
    building_ids: list[str] = field(default_factory=list)
    residence_ids: list[str] = field(default_factory=list)
    area: str = ""
    publish_at: str = ""
    pinned_until: str = ""

    @classmethod
    def from_request(cls) -> "AnnouncementForm":
        form = request.form
        return cls(
            title=form.get("title", ""),
            body=form.get("body", ""),
            kind=form.get("kind", ""),
            target=form.get("target", ""),
            building_ids=form.getlist("building_ids"),
            residence_ids=form.getlist("residence_ids"),
            area=form.get("area", ""),
            publish_at=form.get("publish_at", ""),
            pinned_until=form.get("pinned_until", ""),
        )


@bp.before_app_request
def _allow_photo_upload():
    # Before the console's CSRF check reads the form: the composer may carry a photo.
    if request.endpoint == COMPOSE_ENDPOINT and request.method == "POST":
        request.max_content_length = MAX_PHOTO_BYTES + 64 * 1024


# The menu (app/console/context.py) names this page `console.announcements`.
@bp.route("/residences/<int:residence_id>/announcements", endpoint="announcements")
def announcement_list(residence_id: int):
    page = announcements.announcement_page(
        signed_in_user(), residence_id, request.args.get("page", 1, type=int)
    )
    show_residence(page.residence)
    zone = page.residence.zone
    return render_template(
        "console/announcements.html",
        page=page,
        now=utcnow(),
        local_time=lambda moment: format_datetime(
            moment, LIST_MOMENT, tzinfo=zone, locale=str(get_locale())
        ),
        percent=lambda share: format_percent(share, locale=str(get_locale())),
    )


@bp.route("/residences/<int:residence_id>/announcements/new", methods=["GET", "POST"])
def compose_announcement(residence_id: int):
    user = signed_in_user()
    composer = announcements.composer(user, residence_id)
    show_residence(composer.residence)
    if request.method == "GET":
        return _composer_page(composer, AnnouncementForm())
    form = AnnouncementForm.from_request()
    photo = request.files.get("photo")
    try:
        data = _parse(form, composer.residence.id, composer.residence.zone)
        if request.form.get("action") == "preview":
            reach = publishing.preview_reach(user, **_targeting(data))
            return _composer_page(composer, form, reach=reach)
        post = publishing.publish_post(user, **data)
        if photo is not None and photo.filename:
            publishing.attach_photo(post, photo.read())
    except InvalidInput as refusal:
        return _composer_page(composer, form, errors=_field_messages(refusal.field_errors)), 422
    if post.published_at is None:
        flash(gettext("The announcement is scheduled."))
    else:
        flash(gettext("The announcement is published."))
    return redirect(url_for("console.announcements", residence_id=composer.residence.id))


def _composer_page(composer, form: AnnouncementForm, reach=None, errors=None):
    return render_template(
        "console/announcement_form.html",
        composer=composer,
        form=form,
        reach=reach,
        errors=errors or {},
        field_anchors=FIELD_ANCHORS,
    )


def _parse(form: AnnouncementForm, residence_id: int, zone: ZoneInfo) -> dict:
    """The form as the API's request body, loaded by the API's schema (422 on any error)."""
    errors: dict = {}
    body = {
        "residence_id": residence_id,
        "kind": form.kind,
        "body": form.body,
        "scope": TARGETS.get(form.target, form.target),
    }
    if form.kind not in KINDS:
        # Members' posts, events and polls are written in the app, not here.
        errors["kind"] = [gettext("Choose an announcement or an alert.")]
    if form.title.strip():
        body["title"] = form.title
    if form.target == "buildings":
        body["building_ids"] = form.building_ids
    elif form.target == "residences":
        body["residence_ids"] = form.residence_ids
        if not form.residence_ids:
            errors["residence_ids"] = [gettext("Choose at least one residence.")]
    elif form.target == "area":
        body["area"] = _geojson(form.area, errors)
    _moment(body, errors, "publish_at", form.publish_at, zone, _local_moment)
    _moment(body, errors, "pinned_until", form.pinned_until, zone, _end_of_day)
    try:
        data = PostRequestSchema().load(body)
    except ValidationError as invalid:
        errors = {**_field_messages(invalid.messages), **errors}
    if errors:
        raise InvalidInput("Some fields need your attention.", field_errors=errors)
    return data


def _targeting(data: dict) -> dict:
    return {name: data[name] for name in TARGETING_FIELDS if name in data}


def _geojson(text: str, errors: dict):
    if not text.strip():
        errors["area"] = [gettext("Draw the area on the map, then finish it.")]
        return None
    try:
        return json.loads(text)
    except ValueError:
        errors["area"] = [gettext("The area drawn could not be read: draw it again.")]
        return None


def _moment(body: dict, errors: dict, name: str, text: str, zone: ZoneInfo, parse) -> None:
    """A date (and time) typed on the residence's wall clock, sent to the schema with its
    offset; left out when empty."""
    if not text.strip():
        return
    try:
        body[name] = parse(text.strip(), zone).isoformat()
    except ValueError:
        errors[name] = [gettext("Enter a date as the calendar offers it.")]


def _local_moment(text: str, zone: ZoneInfo) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def _end_of_day(text: str, zone: ZoneInfo) -> datetime:
    """Pinned until a day, that day included: until the next local midnight."""
    return datetime.combine(date.fromisoformat(text) + timedelta(days=1), time(0), zone)


def _field_messages(messages) -> dict[str, list[str]]:
    """Field -> readable messages, in the member's language, whatever the nesting (a list's
    errors come per item)."""
    flat: dict[str, list[str]] = {}
    for name, value in (messages or {}).items():
        flat[name] = list(_strings(translated_field_errors(value)))
    return flat


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield str(value)
