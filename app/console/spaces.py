"""The residence's shared spaces: their rules, opening hours and closures, and a week of each
space's bookings.

The forms are read with the API's schemas and written by the API's services, so that a rule
and its message are the same in the app and here.
"""

import re
from datetime import date

import marshmallow as ma
from babel.dates import get_day_names
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext

from app.auth import signed_in_user
from app.console import bp
from app.console.context import show_residence
from app.console.forms import form_again, form_data
from app.schemas.common import Day
from app.schemas.spaces import ClosureRequestSchema, SpaceRequestSchema
from models import Residence, Space
from services import booking_overview, spaces
from services.errors import InvalidInput, NotFound
from services.local_time import DAY_MINUTES, format_clock

# The rules of a space, as whole numbers; a blank limit here means "no limit".
NUMBERS = (
    "capacity",
    "min_duration_min",
    "max_duration_min",
    "slot_min",
    "min_notice_min",
    "max_advance_days",
    "max_future_bookings",
    "max_hours_per_week",
    "buffer_min",
    "cancellation_deadline_min",
)
NO_LIMIT_WHEN_BLANK = ("max_future_bookings", "max_hours_per_week")
# Opening ranges shown per weekday (more when a space already has more).
RANGES_SHOWN = 2
# An opening range's fields: hours-<weekday>-<place>-opens (and -closes); a few places a day.
RANGE_FIELD = re.compile(r"hours-([0-6])-(\d{1,2})-(?:opens|closes)")
# A time field cannot say 24:00: a range that closes at midnight is written 00:00.
MIDNIGHT = "00:00"


@bp.route("/residences/<int:residence_id>/spaces", endpoint="spaces")
def spaces_list(residence_id: int):
    residence = spaces.residence_of_managed_spaces(signed_in_user(), residence_id)
    show_residence(residence)
    return render_template(
        "console/spaces.html",
        residence=residence,
        spaces=spaces.list_spaces(signed_in_user(), residence.id),
    )


@bp.route("/residences/<int:residence_id>/spaces/new", methods=["GET", "POST"])
def new_space(residence_id: int):
    residence = spaces.residence_of_managed_spaces(signed_in_user(), residence_id)
    show_residence(residence)
    if request.method == "GET":
        return _space_form(residence, None, _blank_values())
    values = request.form
    try:
        space = spaces.create_space(signed_in_user(), residence.id, _space_data(values))
    except InvalidInput as refusal:
        return _space_form(residence, None, values, refusal)
    flash(gettext("The space %(name)s is created.", name=space.name))
    return redirect(url_for("console.edit_space", residence_id=residence.id, space_id=space.id))


@bp.route("/residences/<int:residence_id>/spaces/<int:space_id>", methods=["GET", "POST"])
def edit_space(residence_id: int, space_id: int):
    residence, space = _managed_space(residence_id, space_id)
    if request.method == "GET":
        return _space_form(residence, space, _values_of(space))
    values = request.form
    try:
        spaces.update_space(signed_in_user(), space.id, _space_data(values))
    except InvalidInput as refusal:
        return _space_form(residence, space, values, refusal)
    flash(gettext("The rules and opening hours of %(name)s are saved.", name=space.name))
    return redirect(url_for("console.edit_space", residence_id=residence.id, space_id=space.id))


@bp.route("/residences/<int:residence_id>/spaces/<int:space_id>/closures", methods=["POST"])
def add_closure(residence_id: int, space_id: int):
    residence, space = _managed_space(residence_id, space_id)
    try:
        data = form_data(ClosureRequestSchema(), request.form)
        spaces.add_closure(signed_in_user(), space.id, data)
    except InvalidInput as refusal:
        return _space_form(residence, space, _values_of(space), refusal, closure=request.form)
    flash(gettext("The closure is added."))
    return redirect(url_for("console.edit_space", residence_id=residence.id, space_id=space.id))


@bp.route(
    "/residences/<int:residence_id>/spaces/<int:space_id>/closures/<int:closure_id>/remove",
    methods=["POST"],
)
def remove_closure(residence_id: int, space_id: int, closure_id: int):
    residence, space = _managed_space(residence_id, space_id)
    spaces.remove_closure(signed_in_user(), space.id, closure_id)
    flash(gettext("The closure is removed."))
    return redirect(url_for("console.edit_space", residence_id=residence.id, space_id=space.id))


@bp.route("/residences/<int:residence_id>/spaces/<int:space_id>/week")
def space_week(residence_id: int, space_id: int):
    """A week of the space's bookings, Monday to Sunday in the residence's time zone; the
    residence's staff and solidaires (who approve bookings) see it."""
    user = signed_in_user()
    day = _week_asked(request.args.get("week"))
    week = booking_overview.space_week(user, residence_id, space_id, day)
    show_residence(week.space.residence)
    return render_template(
        "console/space_week.html",
        weekday_names=weekday_names(),
        residence=week.space.residence,
        week=week,
        may_edit=spaces.can_manage_spaces(user, week.space.residence),
    )


def weekday_names() -> list[str]:
    """Monday to Sunday in the member's language, as a day is written alone."""
    names = get_day_names("wide", context="stand-alone", locale=str(get_locale()))
    return [names[weekday].capitalize() for weekday in range(7)]


def _managed_space(residence_id: int, space_id: int) -> tuple[Residence, Space]:
    user = signed_in_user()
    residence = spaces.residence_of_managed_spaces(user, residence_id)
    space = spaces.managed_space(user, space_id)
    if space.residence_id != residence.id:
        raise NotFound("This space does not exist or is out of reach.")
    show_residence(residence)
    return residence, space


def _week_asked(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return Day().deserialize(text)
    except ma.ValidationError:
        raise InvalidInput("Choose the week by one of its days, as YYYY-MM-DD.") from None


def _space_data(form) -> dict:
    """The space's form as the API's request, checked by its schema; then the service's
    checks, whose refusals come back by field too."""
    data = {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "approval_required": "approval_required" in form,
    }
    for field in NUMBERS:
        value = form.get(field, "").strip()
        data[field] = None if field in NO_LIMIT_WHEN_BLANK and not value else value
    ranges, places, errors = [], [], {}
    for weekday, slot in sorted({_range_of(name) for name in form if RANGE_FIELD.fullmatch(name)}):
        name = f"hours-{weekday}-{slot}"
        opens = form.get(f"{name}-opens", "").strip()
        closes = form.get(f"{name}-closes", "").strip()
        if not opens and not closes:
            continue
        if not opens or not closes:
            errors[name] = [gettext("Give the opening and the closing time, or neither.")]
            continue
        closes = "24:00" if closes == MIDNIGHT else closes
        ranges.append({"weekday": weekday, "opens": opens, "closes": closes})
        places.append(name)
    data["opening_hours"] = ranges
    try:
        loaded = SpaceRequestSchema().load(data)
    except ma.ValidationError as error:
        errors.update(_by_place(error.messages, places))
    if errors:
        raise InvalidInput("Some fields need your attention.", field_errors=errors)
    return loaded


def _range_of(name: str) -> tuple[int, int]:
    weekday, slot = RANGE_FIELD.fullmatch(name).groups()
    return int(weekday), int(slot)


def _by_place(messages: dict, places: list[str]) -> dict:
    """The schema's messages by form field: an opening range's under its weekday and place."""
    nested = messages.pop("opening_hours", None)
    if isinstance(nested, dict):
        for index, found in nested.items():
            place = places[index] if isinstance(index, int) else "opening_hours"
            messages[place] = _flat(found)
    elif nested is not None:
        messages["opening_hours"] = _flat(nested)
    return messages


def _flat(found) -> list:
    if isinstance(found, dict):
        return [message for nested in found.values() for message in _flat(nested)]
    return list(found)


def _blank_values() -> dict:
    """A new space's form starts from the model's defaults."""
    columns = Space.__table__.c
    return {
        field: str(columns[field].default.arg)
        for field in NUMBERS
        if columns[field].default is not None and columns[field].default.arg is not None
    }


def _values_of(space: Space) -> dict:
    values = {field: getattr(space, field) for field in ("name", "description", *NUMBERS)}
    values = {k: "" if v is None else str(v) for k, v in values.items()}
    if space.approval_required:
        values["approval_required"] = "on"
    slots: dict[int, int] = {}
    for hours in space.opening_hours:
        slot = slots.get(hours.weekday, 0)
        slots[hours.weekday] = slot + 1
        name = f"hours-{hours.weekday}-{slot}"
        values[f"{name}-opens"] = format_clock(hours.opens_min)
        closes = hours.closes_min % DAY_MINUTES
        values[f"{name}-closes"] = format_clock(closes)
    return values


def _space_form(
    residence: Residence,
    space: Space | None,
    values,
    refusal: InvalidInput | None = None,
    *,
    closure=None,
):
    """The space's form, and its closures; shown again as typed when one of them is refused
    (`closure`: the closure form was), its errors next to its fields."""
    places = [_range_of(name)[1] + 1 for name in values if RANGE_FIELD.fullmatch(name)]
    context = dict(
        weekday_names=weekday_names(),
        residence=residence,
        space=space,
        values=values,
        ranges=max([RANGES_SHOWN, *places]),
        closure=closure or {},
        refused_closure=closure is not None,
    )
    if refusal is not None:
        return form_again("console/space_form.html", refusal, **context)
    return render_template("console/space_form.html", errors={}, error=None, **context)
