"""Accounts: register, sign in and out with a device token, sessions, password, own profile."""

from flask import g
from flask_babel import gettext
from flask_login import login_required

from app.api import rate_limits
from app.auth import signed_in_user
from app.openapi import ApiBlueprint
from app.schemas.accounts import (
    AccountErasureSchema,
    EmailChangeSchema,
    EmailLinkRequestSchema,
    EmailSentSchema,
    LinkTokenSchema,
    LinkUsedSchema,
    LoginSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    ProfileUpdateSchema,
    RegisterSchema,
    RegistrationAcceptedSchema,
    SessionPageSchema,
    SessionsRevokedSchema,
    TokenSchema,
    UserSchema,
)
from app.schemas.common import PageArgs
from services import accounts, email_changes, email_verification, erasure, password_resets

blp = ApiBlueprint(
    "accounts",
    __name__,
    description="Accounts: registration, signing in and out from each phone, sessions, the "
    "password and my own profile; the links e-mailed to confirm an address, choose a new "
    "password or change the address.",
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
    account is created, and a link to confirm the address is e-mailed) or already had an
    account (which is left untouched; its owner is told by e-mail), so that it reveals
    nobody's account. The account works for a grace period without a confirmed address
    (`email_verification_grace_until` of `GET /me`); then signing in answers 403 until the
    address is confirmed.
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
@blp.errors(401, 403, 429)
def log_in(data):
    """Sign in

    From a device: returns a bearer token for that device (signing in again from the same
    device name replaces its token). A wrong e-mail or password answers 401, alike. After
    the grace period, a member who has not confirmed their address gets 403 (with
    `email_verification_required`): ask for a new link with `/auth/verify-email/resend`.
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

    My name, e-mail (and whether it is confirmed), language and avatar.
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
def erase_my_account(data):
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


@blp.route("/auth/verify-email", methods=["POST"])
@blp.allowed_while_suspended
@rate_limits.link_use_per_ip
@blp.arguments(LinkTokenSchema)
@blp.response(200, LinkUsedSchema)
@blp.doc(security=[])
@blp.errors(429)
def verify_email(data):
    """Confirm my e-mail address

    With the token of the link e-mailed at registration (the app opens the link's address
    and sends its `token`). A link works once, for 7 days; an unknown, used or expired one
    answers 422 on `token`.
    """
    user = email_verification.verify_email(data["token"])
    return {"detail": gettext("Your e-mail address is confirmed."), "email": user.email}


@blp.route("/auth/verify-email/resend", methods=["POST"])
@blp.allowed_while_suspended
@rate_limits.email_link_per_ip
@rate_limits.email_link_per_address
@blp.arguments(EmailLinkRequestSchema)
@blp.response(202, EmailSentSchema)
@blp.doc(security=[])
@blp.errors(429)
def resend_verification_email(data):
    """Send the address's confirmation link again

    A new link goes to the address if its account has not confirmed it yet. The answer is the
    same in every case, so that it reveals nobody's account.
    """
    email_verification.resend_link(data["email"])
    return {"detail": gettext("If this address awaits confirmation, a new link is on its way.")}


@blp.route("/auth/password-reset", methods=["POST"])
@blp.allowed_while_suspended
@rate_limits.email_link_per_ip
@rate_limits.email_link_per_address
@blp.arguments(EmailLinkRequestSchema)
@blp.response(202, EmailSentSchema)
@blp.doc(security=[])
@blp.errors(429)
def request_password_reset(data):
    """Ask for a new password (forgotten password)

    A link valid one hour is e-mailed to the address if it has an account; a new one voids
    the earlier ones. The answer is the same in every case, so that it reveals nobody's
    account.
    """
    password_resets.request_reset(data["email"])
    return {"detail": gettext("If this address has an account, a link is on its way.")}


@blp.route("/auth/password-reset/confirm", methods=["POST"])
@blp.allowed_while_suspended
@rate_limits.link_use_per_ip
@blp.arguments(PasswordResetSchema)
@blp.response(200, LinkUsedSchema)
@blp.doc(security=[])
@blp.errors(429)
def reset_password(data):
    """Choose a new password from the e-mailed link

    With the link's `token`: the password changes and every session of the account ends (sign
    in again). A link works once, for one hour; an unknown, used or expired one answers 422 on
    `token`.
    """
    user = password_resets.reset_password(data["token"], data["new_password"])
    return {"detail": gettext("Your password is changed: sign in with it."), "email": user.email}


@blp.route("/me/email", methods=["POST"])
@blp.allowed_while_suspended
@login_required
@rate_limits.email_change_per_member
@blp.arguments(EmailChangeSchema)
@blp.response(202, EmailSentSchema)
@blp.errors(429)
def request_email_change(data):
    """Change my e-mail address

    With my current password (422 on `current_password` when wrong). A link valid 24 hours is
    e-mailed to the new address; the account keeps its address until the link is opened, and
    the old address is then told. The answer does not say whether the new address already
    has an account.
    """
    email_changes.request_change(signed_in_user(), data["current_password"], data["new_email"])
    return {"detail": gettext("Open the link we e-mailed to the new address to confirm it.")}


@blp.route("/auth/email-change/confirm", methods=["POST"])
@blp.allowed_while_suspended
@rate_limits.link_use_per_ip
@blp.arguments(LinkTokenSchema)
@blp.response(200, LinkUsedSchema)
@blp.doc(security=[])
@blp.errors(409, 429)
def confirm_email_change(data):
    """Confirm my new e-mail address

    With the `token` of the link e-mailed to the new address: it becomes the account's
    address, confirmed. 409 when another account took the address meanwhile; an unknown, used
    or expired link answers 422 on `token`.
    """
    user = email_changes.confirm_change(data["token"])
    return {"detail": gettext("Your e-mail address is changed."), "email": user.email}
