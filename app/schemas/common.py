"""What schemas of every feature share: strictness, validators, pages, authors, photos."""

import marshmallow as ma
from flask import url_for
from flask_babel import lazy_gettext
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from models.accounts import LOCALES
from services.geojson import to_geojson


class ApiSchema(ma.Schema):
    """What a client sends: an unknown field is refused, so a typo is never silently ignored."""

    class Meta:
        unknown = ma.RAISE


class ResponseSchema(ma.Schema):
    """What the API answers. Every field is written each time (null where `allow_none`), so the
    document lists them all as required (app/openapi.py); clients may meet new fields later."""

    answers_every_field = True


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


class AuthorSchema(ResponseSchema):
    id = fields.Integer()
    display_name = fields.String()


class PhotoSchema(ResponseSchema):
    id = fields.Integer()
    url = fields.Method("photo_url", metadata={"type": "string", "format": "uri-reference"})
    width = fields.Integer()
    height = fields.Integer()

    def photo_url(self, photo):
        return url_for("uploads.photo", filename=photo.filename)


class PhotoUploadSchema(ApiSchema):
    photo = Upload(required=True)
