from flask_babel import lazy_gettext
from marshmallow import fields, validate

from app.schemas.common import ApiSchema, EmailAddress, one_of, text
from models.accounts import LOCALES


class RegisterSchema(ApiSchema):
    email = EmailAddress(
        required=True,
        validate=validate.Length(max=254, error=lazy_gettext("At most {max} characters.")),
        metadata={"example": "nadia@example.org"},
    )
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(
            min=10, max=200, error=lazy_gettext("Between {min} and {max} characters.")
        ),
    )
    display_name = text(80, required=True, metadata={"example": "Nadia B."})
    locale = fields.String(load_default="fr", validate=one_of(LOCALES))


class LoginSchema(ApiSchema):
    email = text(254, required=True)
    password = text(200, required=True, load_only=True)
    device_name = text(100, required=True, metadata={"example": "Pixel 7 de Nadia"})


class UserSchema(ApiSchema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    display_name = fields.String(dump_only=True)
    locale = fields.String(dump_only=True)
    avatar_url = fields.String(dump_only=True, allow_none=True)


class TokenSchema(ApiSchema):
    token = fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`."})
    user = fields.Nested(UserSchema)


class ProfileUpdateSchema(ApiSchema):
    display_name = text(80)
    locale = fields.String(validate=one_of(LOCALES))
