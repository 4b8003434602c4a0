"""What schemas of every feature share: strictness, validators, ids, pages, authors, photos."""

import re
from collections.abc import Mapping

import marshmallow as ma
from flask import url_for
from flask_babel import lazy_gettext
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from models.accounts import LOCALES
from models.base import INT32_MAX
from services.geojson import to_geojson
from services.profiles import public_name

NUL_MESSAGE = lazy_gettext("May not contain the NUL character (U+0000).")
SURROGATE_MESSAGE = lazy_gettext("Contains a character that is not text (a lone surrogate).")
# JSON may escape half of a UTF-16 pair ("\ud800"), which no text encoding can store.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class ApiSchema(ma.Schema):
    """What a client sends: an unknown field is refused, so a typo is never silently ignored."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load(pass_collection=True)
    def _refuse_unstorable_characters(self, data, **kwargs):
        """PostgreSQL cannot store U+0000 nor a lone surrogate in text: refuse them in any string
        of the input (query, JSON or form), with the field it is in, before a field or a service
        sees them."""
        errors = _unstorable_errors(data)
        if errors:
            raise ma.ValidationError(errors if isinstance(errors, dict) else {"_schema": errors})
        return data


def _unstorable_errors(value):
    """The errors of the strings of `value` that text columns cannot hold, shaped like
    marshmallow's."""
    if isinstance(value, str):
        if "\x00" in value:
            return [NUL_MESSAGE]
        return [SURROGATE_MESSAGE] if LONE_SURROGATE.search(value) else None
    if isinstance(value, Mapping):
        errors = {}
        for key in value:
            found = _unstorable_errors(key) or _unstorable_errors(value[key])
            if found:
                errors[key] = found
        return errors or None
    if isinstance(value, list | tuple):
        errors = {
            index: found for index, item in enumerate(value) if (found := _unstorable_errors(item))
        }
        return errors or None
    return None


class ResponseSchema(ma.Schema):
    """What the API answers. Every field is written each time (null where `allow_none`), so the
    document lists them all as required (app/openapi.py); clients may meet new fields later."""

    answers_every_field = True

    @ma.post_dump
    def _write_every_field(self, data, **kwargs):
        # marshmallow leaves out a field whose attribute path meets nothing (a member without
        # a building): a nullable field is then written as null, as the document promises.
        for name, field in self.dump_fields.items():
            key = field.data_key or name
            if key not in data and field.allow_none:
                data[key] = None
        return data


def enum_of(enum_class, **kwargs) -> fields.String:
    """A state or a kind in an answer, documented with every value it can take."""
    metadata = {"enum": [member.value for member in enum_class], **kwargs.pop("metadata", {})}
    return fields.String(metadata=metadata, **kwargs)


def text(max_length: int, **kwargs) -> fields.String:
    """A required, non-blank string of at most `max_length` characters."""
    return fields.String(
        validate=[
            validate.Length(
                max=max_length,
                error=lazy_gettext("At most {max} characters."),
            ),
            validate.Regexp(r"\s*\S", error=lazy_gettext("May not be blank.")),
        ],
        **kwargs,
    )


class Language(fields.String):
    """A member's language (fr, en), documented once as the `Language` component, so that
    generated clients share one type for it (and Swift's own `Locale` is left alone)."""

    def __init__(self, **kwargs):
        metadata = {"allOf": [{"$ref": "#/components/schemas/Language"}]}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if value not in LOCALES:
            raise ma.ValidationError(
                lazy_gettext("Must be one of: {choices}.").format(choices=", ".join(LOCALES))
            )
        return value


class EmailAddress(fields.Email):
    """An e-mail address; spaces typed around it on a phone keyboard are dropped."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        return value.strip()


def at_most(max_length: int) -> validate.Length:
    return validate.Length(max=max_length, error=lazy_gettext("At most {max} characters."))


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices, error=lazy_gettext("Must be one of: {choices}."))


def between(minimum: int, maximum: int) -> validate.Range:
    return validate.Range(
        min=minimum, max=maximum, error=lazy_gettext("Must be between {min} and {max}.")
    )


def Id(**kwargs) -> fields.Integer:  # noqa: N802 (used like a field class)
    """The id of a row in a request: ids are PostgreSQL `integer`s, so a larger number is
    refused here (422) rather than failing in the database."""
    return fields.Integer(validate=between(1, INT32_MAX), **kwargs)


# Dates and times a request may carry: beyond these, a time zone's offset in seconds (local
# mean time before 1911 in Paris) or the ends of Python's calendar (years 1 and 9999) would
# break the conversions to UTC and back.
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEARS_MESSAGE = lazy_gettext("Must be between the years {first} and {last}.")


class _WithinYears:
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ma.ValidationError(YEARS_MESSAGE.format(first=FIRST_YEAR, last=LAST_YEAR))
        return value


class Day(_WithinYears, fields.Date):
    """A date, of the years FIRST_YEAR to LAST_YEAR."""


class Moment(_WithinYears, fields.AwareDateTime):
    """A date and time with its offset, of the years FIRST_YEAR to LAST_YEAR."""


class GeoJSON(fields.Dict):
    """GeoJSON: dumped from a geometry column, loaded as a dict that a service checks."""

    def __init__(self, geometry_types: tuple[str, ...], **kwargs):
        metadata = {
            "description": f"GeoJSON geometry ({' or '.join(geometry_types)}), WGS 84 lon/lat.",
            "example": {"type": geometry_types[0], "coordinates": []},
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return to_geojson(value)


class PageArgs(ApiSchema):
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=20, validate=between(1, 100))


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A page of a cursor-paginated list: its items and the cursor of the next page, if any."""
    return type(
        name,
        (ResponseSchema,),
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.String(
                allow_none=True,
                metadata={"description": "Pass as `cursor` for the next page; null on the last."},
            ),
        },
    )


def edited_at_field(**kwargs) -> fields.DateTime:
    return fields.DateTime(
        allow_none=True,
        metadata={"description": "When its author last changed the text; null if never."},
        **kwargs,
    )


# A deleted comment or message keeps its place in its thread, without its text.
def deleted_flag() -> fields.Function:
    return fields.Function(lambda row: row.deleted_at is not None, metadata={"type": "boolean"})


def body_until_deleted() -> fields.Function:
    return fields.Function(
        lambda row: None if row.deleted_at is not None else row.body,
        allow_none=True,
        metadata={"type": "string", "description": "Null once deleted."},
    )


def public_name_of(member=lambda row: row) -> fields.Function:
    """A member's display name as neighbours see it ("Former neighbour", translated, once they
    erased their account); `member` finds the user in the object dumped."""
    return fields.Function(lambda row: public_name(member(row)), metadata={"type": "string"})


class AuthorSchema(ResponseSchema):
    id = fields.Integer()
    display_name = public_name_of()


class PhotoSchema(ResponseSchema):
    id = fields.Integer()
    url = fields.Method("photo_url", metadata={"type": "string", "format": "uri-reference"})
    width = fields.Integer()
    height = fields.Integer()

    def photo_url(self, photo):
        return photo_url(photo)


def photo_url(photo) -> str:
    return url_for("photos.get_photo", filename=photo.filename)


def photo_json(photo) -> dict:
    """A photo as PhotoSchema dumps it, for answers written without marshmallow."""
    return {"id": photo.id, "url": photo_url(photo), "width": photo.width, "height": photo.height}


class PhotoUploadSchema(ApiSchema):
    photo = Upload(required=True)
