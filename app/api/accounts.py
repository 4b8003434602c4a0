"""Accounts: register, sign in and out with a device token, sessions, password, own profile."""

from flask import g
from flask_babel import gettext
from flask_login import login_required

from app.api import rate_limits
from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.accounts import (
    AccountErasureSchema,
    LoginSchema,
    PasswordChangeSchema,
    ProfileUpdateSchema,
    RegisterSchema,
    RegistrationAcceptedSchema,
    SessionPageSchema,
    SessionsRevokedSchema,
    TokenSchema,
    UserSchema,
)
from app.schemas.common import PageArgs
from services import accounts, erasure

blp = ApiBlueprint(
    "accounts",
    __name__,
    description="Accounts: registration, signing in and out from each phone, sessions, the "
    "password and my own profile.",
)


@blp.route("/auth/register", methods=["POST"])
@blp.allowed_while_suspended
@rate_limits.register_per_ip
@rate_limits.register_per_account
@blp.arguments(RegisterSchema)
@blp.response(202, RegistrationAcceptedSchema)
@blp.doc(security=[])
@blp.errors(429)
def register(data):
    """Create an account

    Then sign in to get a token. The answer is the same whether the address was free (the
    account is created) or already had an account (which is left untouched), so that it
    reveals nobody's account.
    """
    accounts.register(**data)
    return {"detail": gettext("If this address can be used, its account is ready: sign in.")}


@blp.route("/auth/login", methods=["POST"])
@blp.allowed_while_suspended
@rate_limits.login_per_ip
@rate_limits.login_per_account
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.doc(security=[])
@blp.errors(401, 429)
def log_in(data):
    """Sign in

    From a device: returns a bearer token for that device (signing in again from the same
    device name replaces its token). A wrong e-mail or password answers 401, alike.
    """
    user, token = accounts.log_in(data["email"], data["password"], data["device_name"])
    return {"token": token, "user": user}


@blp.route("/auth/logout", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.response(204)
def log_out():
    """Sign out

    Revoke the token this request was made with; the phones registered under it stop
    receiving notifications.
    """
    accounts.revoke_token(g.api_token)


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, UserSchema)
def get_me():
    """Get my account

    My name, e-mail, language and avatar.
    """
    return signed_in_user()


@blp.route("/me", methods=["PATCH"])
@blp.allowed_while_suspended
@login_required
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, UserSchema)
def update_me(changes):
    """Change my profile

    My display name and my language (notifications and answers follow it).
    """
    return accounts.update_profile(signed_in_user(), changes)


@blp.route("/me", methods=["DELETE"])
@blp.allowed_while_suspended
@login_required
@rate_limits.password_change_per_member
@blp.arguments(AccountErasureSchema)
@blp.response(204)
@blp.errors(409, 429)
def erase_me(data):
    """Erase my account

    For good (GDPR article 17), given my password (422 on `password` when wrong). Loans in
    progress and help exchanges not ended, on either side, must be closed first: 409 lists
    them in `open_deals`. Then my bookings to come are cancelled, my listings closed, my
    messages shown to the other side as deleted, my photos, phones and sessions removed;
    what I published stays, by "Former neighbour". Every session ends, this one included.
    """
    erasure.erase_account(signed_in_user(), data["password"])


@blp.route("/me/password", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@rate_limits.password_change_per_member
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@blp.errors(429)
def change_password(data):
    """Change my password

    The current one is required (422 on `current_password` when wrong); every other session
    is signed out.
    """
    accounts.change_password(
        signed_in_user(), g.api_token, data["current_password"], data["new_password"]
    )


@blp.route("/me/sessions", methods=["GET"])
@login_required
@blp.arguments(PageArgs, location="query")
@blp.response(200, SessionPageSchema)
def list_sessions(args):
    """List my sessions

    Where I am signed in, newest first, with the phones registered there.
    """
    return accounts.list_sessions(signed_in_user(), g.api_token, args.get("cursor"), args["limit"])


@blp.route("/me/sessions/<int:session_id>", methods=["DELETE"])
@blp.allowed_while_suspended
@login_required
@blp.response(204)
def revoke_session(session_id):
    """Sign a session out

    Its token stops working and its phones stop receiving notifications.
    """
    accounts.revoke_session(signed_in_user(), session_id)


@blp.route("/me/sessions/revoke-others", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@blp.response(200, SessionsRevokedSchema)
def revoke_other_sessions():
    """Sign out everywhere else

    Every session but this one ends (sign this one out with `/auth/logout`).
    """
    return {"revoked": accounts.revoke_other_sessions(signed_in_user(), g.api_token)}
