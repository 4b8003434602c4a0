"""Accounts: registration, sign-in, sessions, passwords and the member's own profile."""

from flask_babel import lazy_gettext
from marshmallow import fields, validate

from app.schemas.common import ApiSchema, EmailAddress, Language, ResponseSchema, page_of, text
from app.schemas.devices import PLATFORMS
from services import email_verification
from services.account_links import MAX_TOKEN_LENGTH


def new_password(**kwargs) -> fields.String:
    """A password being chosen: at registration or when changing it, the same rule."""
    return fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(
            min=10, max=200, error=lazy_gettext("Between {min} and {max} characters.")
        ),
        **kwargs,
    )


def address(**kwargs) -> EmailAddress:
    return EmailAddress(
        required=True,
        validate=validate.Length(max=254, error=lazy_gettext("At most {max} characters.")),
        metadata={"example": "nadia@example.org"},
        **kwargs,
    )


class RegisterSchema(ApiSchema):
    email = address()
    password = new_password()
    display_name = text(80, required=True, metadata={"example": "Nadia B."})
    locale = Language(load_default="fr")


class LoginSchema(ApiSchema):
    email = text(254, required=True)
    password = text(200, required=True, load_only=True)
    device_name = text(100, required=True, metadata={"example": "Pixel 7 de Nadia"})


class VerificationGraceEnd(fields.DateTime):
    """Until when an account works without a confirmed address: null once confirmed."""

    def get_value(self, obj, attr, accessor=None, default=None):
        return email_verification.grace_ends_at(obj)


class UserSchema(ResponseSchema):
    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    locale = Language()
    avatar_url = fields.String(allow_none=True)
    email_verified = fields.Function(
        lambda user: user.email_verified_at is not None,
        metadata={"type": "boolean", "description": "Whether the member confirmed the address"},
    )
    email_verification_grace_until = VerificationGraceEnd(
        allow_none=True,
        metadata={
            "description": "Until an unconfirmed address is confirmed, when signing in stops "
            "working (403); null once it is"
        },
    )


class TokenSchema(ResponseSchema):
    token = fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`."})
    user = fields.Nested(UserSchema)


class ProfileUpdateSchema(ApiSchema):
    display_name = text(80)
    locale = Language()


class RegistrationAcceptedSchema(ResponseSchema):
    """The same answer whether the address was free or already had an account."""

    detail = fields.String(
        required=True, metadata={"description": "A message to show; then sign in."}
    )


class SessionDeviceSchema(ResponseSchema):
    """A phone registered for notifications under a session (its FCM token is not shown)."""

    id = fields.Integer(required=True)
    platform = fields.String(required=True, metadata={"enum": PLATFORMS})
    app_version = fields.String(required=True, allow_none=True)
    last_seen_at = fields.DateTime(required=True)


class SessionSchema(ResponseSchema):
    """A place where the member is signed in: one bearer token."""

    id = fields.Integer(required=True)
    device_name = fields.String(required=True, metadata={"example": "Pixel 7 de Nadia"})
    created_at = fields.DateTime(required=True, metadata={"description": "When it signed in"})
    last_used_at = fields.DateTime(required=True, allow_none=True)
    expires_at = fields.DateTime(
        required=True,
        metadata={"description": "When it ends unless used before (idle timeout or lifetime)"},
    )
    current = fields.Boolean(
        required=True, metadata={"description": "The session of this very request"}
    )
    devices = fields.List(fields.Nested(SessionDeviceSchema), required=True)


SessionPageSchema = page_of(SessionSchema, "SessionPage")


class SessionsRevokedSchema(ResponseSchema):
    revoked = fields.Integer(
        required=True, metadata={"description": "How many other sessions were signed out"}
    )


class AccountErasureSchema(ApiSchema):
    password = text(200, required=True, load_only=True)


class PasswordChangeSchema(ApiSchema):
    current_password = text(200, required=True, load_only=True)
    new_password = new_password()


class EmailLinkRequestSchema(ApiSchema):
    """An address to e-mail a link to, if it has an account."""

    email = address()


class EmailSentSchema(ResponseSchema):
    """The same answer whether or not an e-mail was sent, so that it reveals nobody's account."""

    detail = fields.String(required=True, metadata={"description": "A message to show"})


class LinkTokenSchema(ApiSchema):
    """The token of a link e-mailed to the member (the `token` of the link's address)."""

    token = text(MAX_TOKEN_LENGTH, required=True, load_only=True)


class PasswordResetSchema(LinkTokenSchema):
    new_password = new_password()


class EmailChangeSchema(ApiSchema):
    current_password = text(200, required=True, load_only=True)
    new_email = address()


class LinkUsedSchema(ResponseSchema):
    """What the link did."""

    detail = fields.String(required=True, metadata={"description": "A message to show"})
    email = fields.String(
        required=True, metadata={"description": "The account's address, confirmed"}
    )
